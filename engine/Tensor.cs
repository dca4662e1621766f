using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// A dense row-major float32 tensor in device memory. Ops (<see cref="Ops"/>) create tensors that the
/// device's <see cref="Tape"/> owns and frees at <see cref="Tape.Reset"/> (or at the end of a
/// <see cref="TapeScope"/>); tensors made by the factories (<see cref="FromArray"/>, <see cref="Zeros"/>)
/// and <see cref="Parameter"/>s belong to the caller, who disposes them. <see cref="Keep"/> hands an op's
/// output over to the caller.
/// A tensor with <see cref="RequiresGrad"/> gets a gradient of its own shape, allocated on first use and
/// zero-filled; leaves (parameters, inputs) accumulate it over Backward calls until <see cref="ZeroGrad"/>.
/// </summary>
public class Tensor : IDisposable, ITapeOwned
{
    Storage storage;
    Tensor? grad;
    bool requiresGrad;

    /// <summary>A new zero-filled tensor with storage of its own.</summary>
    protected Tensor(Device device, Shape shape)
        : this(device, shape, new Storage(device.Kernels.Allocate(shape.Count))) { }

    Tensor(Device device, Shape shape, Storage storage)
    {
        Device = device;
        Shape = shape;
        this.storage = storage;
    }

    /// <summary>The device holding the data; every operand of an op must be on the same one.</summary>
    public Device Device { get; }
    /// <summary>The dimensions, row-major.</summary>
    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Count => Shape.Count;

    /// <summary>True after <see cref="Dispose"/>; using the storage then throws.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The storage, for ops calling kernels. A view shares it with the tensor it views.</summary>
    public DeviceBuffer<float> Buffer
    {
        get
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(Tensor), $"a tensor of shape {Shape} was used after it was disposed (tape-owned tensors are disposed by Tape.Reset / the end of a scope; Keep() one to hold it longer)");
            return storage.Buffer;
        }
    }

    /// <summary>The op that produced this tensor while gradients were recorded; null for a leaf.</summary>
    public TapeNode? Node { get; internal set; }

    /// <summary>True for a tensor no recorded op produced (parameters, inputs, outputs under NoGrad).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (inputs whose gradient you want); an op's
    /// output requires grad when one of its inputs does and gradients are being recorded.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (!IsLeaf) throw new InvalidOperationException($"RequiresGrad can only be changed on a leaf tensor; this {Shape} tensor is the output of '{Node!.Op}' (use Detach())");
            requiresGrad = value;
        }
    }

    internal void MarkRequiresGrad() => requiresGrad = true;

    /// <summary>The accumulated gradient, or null before any gradient reached this tensor.</summary>
    public Tensor? Grad => grad;

    /// <summary>The gradient, allocated zero-filled on first use: backward ops add into its buffer.</summary>
    public Tensor EnsureGrad()
    {
        _ = Buffer; // a disposed tensor gets no gradient
        return grad ??= new Tensor(Device, Shape, new Storage(GradAllocator?.Invoke() ?? Device.Kernels.Allocate(Count)));
    }

    /// <summary>
    /// Where <see cref="EnsureGrad"/> takes a new gradient's buffer (zero-filled, <see cref="Count"/> elements) instead of
    /// a fresh allocation: an optimizer that keeps every gradient in one flat buffer (<see cref="Adam"/> on ILGPU) sets it.
    /// </summary>
    internal Func<DeviceBuffer<float>>? GradAllocator { get; set; }

    /// <summary>
    /// Moves this tensor's data to <paramref name="buffer"/> (of <see cref="Count"/> elements, already holding the data):
    /// the tensor uses it from now on and releases its old storage. Views made before keep the old storage, so only
    /// tensors without live views are moved: parameters between steps (<see cref="Adam"/> puts them into its flat buffer).
    /// </summary>
    internal void MoveStorage(DeviceBuffer<float> buffer)
    {
        _ = Buffer;
        if (buffer.Length != Count) throw new ArgumentException($"MoveStorage: {buffer.Length} elements for a tensor of {Count}");
        var old = storage;
        storage = new Storage(buffer);
        old.Release();
    }

    /// <summary>Replaces the gradient by one in <paramref name="buffer"/> (of <see cref="Count"/> elements, already holding its values).</summary>
    internal void AdoptGrad(DeviceBuffer<float> buffer)
    {
        if (buffer.Length != Count) throw new ArgumentException($"AdoptGrad: {buffer.Length} elements for a tensor of {Count}");
        grad?.Dispose();
        grad = new Tensor(Device, Shape, new Storage(buffer));
    }

    /// <summary>Sets the gradient to zero, keeping its memory.</summary>
    public void ZeroGrad()
    {
        if (grad is not null) Device.Kernels.Fill(grad.Buffer, 0f, 0, Count);
    }

    /// <summary>Frees the gradient (intermediates drop theirs once their op's backward has used it).</summary>
    public void DropGrad()
    {
        grad?.Dispose();
        grad = null;
    }

    bool ITapeOwned.IsKept => IsKept;
    internal bool IsKept { get; private set; }

    /// <summary>Takes this tensor out of the tape's ownership: it survives <see cref="Tape.Reset"/> and the caller disposes it.</summary>
    public Tensor Keep()
    {
        IsKept = true;
        return this;
    }

    /// <summary>A tensor of another shape with the same elements, sharing storage (no copy).</summary>
    internal Tensor View(Shape shape)
    {
        if (shape.Count != Count) throw new ShapeException("view", Shape, shape, $"element counts {Count} vs {shape.Count}");
        _ = Buffer;
        return new Tensor(Device, shape, storage.Retain());
    }

    /// <summary>Reshapes (one dimension may be -1); shares storage, and the gradient flows back.</summary>
    public Tensor Reshape(params int[] dims) => Ops.Reshape(this, dims);

    /// <summary>The same storage as a constant: no gradient flows through it. Owned by the tape.</summary>
    public Tensor Detach() => Device.Tape.Own(View(Shape));

    /// <summary>Back-propagates from this tensor: see <see cref="Tape.Backward"/>.</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Device.Tape.Backward(this, gradient, retainGraph);

    // ---------------------------------------------------------------- host copies

    /// <summary>The values copied to the host (waits for pending kernels).</summary>
    public float[] ToArray()
    {
        var result = new float[Count];
        Buffer.CopyTo(result);
        return result;
    }

    /// <summary>The value of a single-element tensor (reads it back from the device).</summary>
    /// <exception cref="InvalidOperationException">The tensor has more than one element.</exception>
    public float Item()
    {
        if (Count != 1) throw new InvalidOperationException($"Item() needs a single-element tensor, got shape {Shape}");
        Span<float> one = stackalloc float[1];
        Buffer.CopyTo(one);
        return one[0];
    }

    /// <summary>Overwrites the elements from host memory (e.g. loading weights).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not <see cref="Count"/>.</exception>
    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Count) throw new ArgumentException($"CopyFrom: {data.Length} values for a tensor of shape {Shape} ({Count} elements)");
        Buffer.CopyFrom(data);
    }

    /// <summary>A caller-owned tensor holding <paramref name="data"/> with the given dimensions.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count, or a dimension is negative.</exception>
    public static Tensor FromArray(Device device, ReadOnlySpan<float> data, params int[] dims)
    {
        var shape = new Shape(dims);
        if (data.Length != shape.Count) throw new ArgumentException($"FromArray: {data.Length} values for shape {shape} ({shape.Count} elements)");
        var t = new Tensor(device, shape);
        t.Buffer.CopyFrom(data);
        return t;
    }

    /// <summary>A caller-owned zero-filled tensor.</summary>
    public static Tensor Zeros(Device device, params int[] dims) => new(device, new Shape(dims));

    /// <summary>A caller-owned tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(Device device, float value, params int[] dims)
    {
        var t = new Tensor(device, new Shape(dims));
        device.Kernels.Fill(t.Buffer, value, 0, t.Count);
        return t;
    }

    /// <summary>A new tape-owned tensor (zero-filled) for an op's output or saved intermediate.</summary>
    internal static Tensor NewOwned(Device device, Shape shape) => device.Tape.Own(new Tensor(device, shape));

    // ---------------------------------------------------------------- operators (see Ops for the rest)

    /// <see cref="Ops.Add"/>.
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);
    /// <see cref="Ops.Sub"/>.
    public static Tensor operator -(Tensor a, Tensor b) => Ops.Sub(a, b);
    /// <see cref="Ops.Mul"/> (element-wise, not a matrix product).
    public static Tensor operator *(Tensor a, Tensor b) => Ops.Mul(a, b);
    /// <see cref="Ops.Div"/>.
    public static Tensor operator /(Tensor a, Tensor b) => Ops.Div(a, b);
    /// <see cref="Ops.Scale"/>.
    public static Tensor operator *(Tensor a, float s) => Ops.Scale(a, s);
    /// <see cref="Ops.Scale"/>.
    public static Tensor operator *(float s, Tensor a) => Ops.Scale(a, s);
    /// <see cref="Ops.AddScalar"/>.
    public static Tensor operator +(Tensor a, float s) => Ops.AddScalar(a, s);
    /// <summary>-a, <see cref="Ops.Scale"/> by -1.</summary>
    public static Tensor operator -(Tensor a) => Ops.Scale(a, -1f);

    /// <summary>"Tensor[shape]", with "requires grad" or "(disposed)" where they apply.</summary>
    public override string ToString() => $"Tensor{Shape}{(RequiresGrad ? " requires grad" : "")}{(IsDisposed ? " (disposed)" : "")}";

    /// <summary>Releases the storage (shared with views until the last one goes) and the gradient; idempotent.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        storage.Release();
        DropGrad();
        GC.SuppressFinalize(this);
    }
}
