using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// The ILGPU implementation of <see cref="IKernels"/>: hand-written kernels compiled by ILGPU for CUDA,
/// OpenCL or ILGPU's CPU accelerator (the last only to check the kernels: it is ~200x slower than the
/// Host kernels). One op family per file (partial class). Each kernel is loaded once per accelerator
/// and kept as a typed delegate (the lazily-initialised fields next to each op); launches are queued
/// on the default stream and never synchronised inside an op.
/// </summary>
/// <remarks>
/// Rules for every kernel in this folder (other files such as Attention*.cs and SoftTopK*.cs follow them):
/// <list type="bullet">
/// <item>A kernel is a static method over <c>ArrayView&lt;T&gt;</c> and scalars/structs, marked
///   <c>[IlgpuKernel]</c> and named <c>...Kernel</c>. The PTX compile test (tests/Kernels/PtxCompileTests.cs)
///   compiles every method with the attribute for CUDA, and fails for a method named <c>...Kernel</c>
///   without it. Implicitly grouped kernels take Index1D/2D/3D first (LoadAutoGroupedStreamKernel);
///   explicitly grouped ones take no index (LoadStreamKernel, launched with a KernelConfig).</item>
/// <item>More scalar parameters than ILGPU's delegate arity allows go into a small struct of ints/floats;
///   it may be internal (IlgpuRuntimeAccess.cs lets ILGPU's generated launchers see it).</item>
/// <item>Device math comes from <see cref="KernelMath"/> and <see cref="Random.Philox"/> (shared with Host)
///   or MathF; MathF.Exp/Log/Tanh/Cos compile for PTX only because every context is built through
///   <see cref="Configure"/> (ILGPU.Algorithms' intrinsics).</item>
/// <item>Flags are passed as int (0/1), not bool.</item>
/// <item>The host side first calls the op's contract (<see cref="KernelContracts"/>, shared with the Host
///   backend) and returns before launching when there is nothing to do (ILGPU rejects empty launches).
///   Nothing is read back from the device inside an op.</item>
/// <item>Explicit groups use <see cref="GroupSize"/>/<see cref="RowGroupSize"/>, valid on CUDA and on the
///   small groups of the CPU accelerator.</item>
/// </list>
/// </remarks>
public sealed partial class IlgpuKernels : IKernels, IBufferSlices
{
    readonly Context context;
    long live;

    /// <summary>The ILGPU accelerator the kernels run on (CUDA, OpenCL or the CPU accelerator).</summary>
    public Accelerator Accelerator { get; }
    /// <inheritdoc/>
    public BackendKind Kind { get; }
    /// <inheritdoc/>
    public string Description { get; }
    /// <inheritdoc/>
    public long LiveBuffers => Interlocked.Read(ref live);

    /// <summary>"N MiB", or "host memory" for the CPU accelerator, which reports long.MaxValue (no device limit).</summary>
    static string MemoryText(long bytes) => bytes >= long.MaxValue / 2 ? "host memory" : $"{bytes / (1 << 20)} MiB";

    IlgpuKernels(Context context, Accelerator accelerator, BackendKind kind)
    {
        this.context = context;
        Accelerator = accelerator;
        Kind = kind;
        Description = $"{kind switch { BackendKind.Cuda => "cuda", BackendKind.OpenCL => "opencl", _ => "ilgpu-cpu" }}: {accelerator.Name}, " +
                      $"{MemoryText(accelerator.MemorySize)}, max group {accelerator.MaxNumThreadsPerGroup}";
    }

    /// <summary>
    /// The context options every accelerator (and the PTX compile test) uses: full-precision math, and
    /// ILGPU.Algorithms' intrinsics, which give the PTX backend exp/log/cos/tanh implementations.
    /// </summary>
    public static Context.Builder Configure(Context.Builder builder) => builder.Math(MathMode.Default).EnableAlgorithms();

    /// <summary>ILGPU's CPU accelerator, sized so that grouped kernels may use groups of up to 256 threads.</summary>
    public static IlgpuKernels CreateCpu()
    {
        // The default CPUDevice allows groups of at most 16 threads; tiled kernels need more.
        var device = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 64, numMultiprocessors: 1);
        var context = Context.Create(b => Configure(b.CPU(device)));
        return new IlgpuKernels(context, context.CreateCPUAccelerator(0), BackendKind.IlgpuCpu);
    }

    /// <summary>The first CUDA device that runs a test kernel, or null (with the reason) when there is none.</summary>
    public static IlgpuKernels? TryCreateCuda(out string reason)
    {
        Context context;
        try { context = Context.Create(b => Configure(b.Cuda())); }
        catch (Exception e)
        {
            reason = $"CUDA unavailable ({e.GetType().Name}: {e.Message})";
            return null;
        }
        var devices = new List<Device>();
        foreach (var d in context.GetCudaDevices()) devices.Add(d);
        return FirstWorking(context, devices, BackendKind.Cuda, "no CUDA device found", out reason);
    }

    /// <summary>The first OpenCL device that ILGPU accepts and that runs a test kernel, or null (with the reason).</summary>
    public static IlgpuKernels? TryCreateOpenCL(out string reason)
    {
        Context context;
        try { context = Context.Create(b => Configure(b.OpenCL())); } // only devices ILGPU supports are listed
        catch (Exception e)
        {
            reason = $"OpenCL unavailable ({e.GetType().Name}: {e.Message})";
            return null;
        }
        var devices = new List<Device>();
        foreach (var d in context.GetCLDevices()) devices.Add(d);
        return FirstWorking(context, devices, BackendKind.OpenCL,
            "no OpenCL device that ILGPU supports (ILGPU needs OpenCL 2.0 generic address space; e.g. PoCL 3.1 is rejected)", out reason);
    }

    /// <summary>
    /// Creates an accelerator on each device in turn and keeps the first on which <see cref="SmokeTest"/>
    /// passes: a device can be listed and still fail to build or run the kernels (old driver, OpenCL C
    /// compiler quirks), and that should send auto selection on to the next choice, not crash a run.
    /// </summary>
    static IlgpuKernels? FirstWorking(Context context, List<Device> devices, BackendKind kind, string noneReason, out string reason)
    {
        var failures = new List<string>();
        for (int i = 0; i < devices.Count; i++)
        {
            Accelerator? accelerator = null;
            try
            {
                accelerator = devices[i].CreateAccelerator(context);
                var kernels = new IlgpuKernels(context, accelerator, kind);
                kernels.SmokeTest();
                reason = $"device {i} of {devices.Count}: {devices[i].Name}" + (failures.Count > 0 ? $" (skipped {string.Join("; ", failures)})" : "");
                return kernels;
            }
            catch (Exception e)
            {
                accelerator?.Dispose();
                failures.Add($"device {i} {devices[i].Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        context.Dispose();
        reason = failures.Count == 0 ? noneReason : $"no {kind} device ran the test kernel ({string.Join("; ", failures)})";
        return null;
    }

    /// <summary>
    /// Runs a softmax over one row (exp, shared memory, barriers, a group reduction) and checks the result,
    /// so that a device that cannot run the kernels is rejected at selection time.
    /// </summary>
    public void SmokeTest()
    {
        using var x = Allocate(5);
        x.CopyFrom([1f, 2f, 3f, 4f, 5f]);
        SoftmaxForward(x, x, 1, 5);
        var y = x.ToArray();
        double sum = y.Sum(v => (double)v);
        if (!(Math.Abs(sum - 1) < 1e-4 && y[4] > y[0]))
            throw new InvalidOperationException($"the test softmax on {Accelerator.Name} gave [{string.Join(", ", y)}]");
    }

    /// <summary>
    /// Threads per group of the explicitly grouped reduction kernels: at most <see cref="GroupReduce.MaxGroupSize"/>
    /// (their shared scratch) and at most what the accelerator allows, rounded down to a power of two
    /// for the tree reductions. On the CPU accelerator every thread of a group is an OS thread and each
    /// barrier wakes all of them, so groups there stay at <see cref="CpuGroupSize"/>: the kernel code is
    /// the same for any power-of-two group, and several columns per thread are still exercised.
    /// </summary>
    public int GroupSize => FloorPow2(Math.Min(Kind == BackendKind.IlgpuCpu ? CpuGroupSize : GroupReduce.MaxGroupSize,
                                               Accelerator.MaxNumThreadsPerGroup));

    /// <summary>Reduction group size on ILGPU's CPU accelerator (see <see cref="GroupSize"/>).</summary>
    public const int CpuGroupSize = 64;

    /// <summary>Threads for one row of <paramref name="cols"/> elements: no more than the row needs, at least one warp.</summary>
    public int RowGroupSize(int cols) => Math.Clamp(CeilPow2(cols), Math.Min(GroupSize, Accelerator.WarpSize), GroupSize);

    static int FloorPow2(int v) => v <= 1 ? 1 : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)v));
    static int CeilPow2(int v) => v <= 1 ? 1 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)v);

    /// <inheritdoc/>
    public DeviceBuffer<float> Allocate(int length) => New<float>(length);
    /// <inheritdoc/>
    public DeviceBuffer<int> AllocateInt(int length) => New<int>(length);
    /// <inheritdoc/>
    public DeviceBuffer<double> AllocateDouble(int length) => New<double>(length);

    // A pool of device allocations in exact-length buckets, as the Host backend keeps for arrays: a training
    // step allocates the same lengths every time, and a device allocation (cudaMalloc) synchronises the
    // device and costs far more than a launch. Reuse is safe without waiting: every kernel and the zero
    // fill of a reused buffer are queued on the one default stream, so the fill runs after the last kernel
    // that read the buffer before it was returned. The pool is capped (MaxPooledBytes).
    const long MaxPooledBytes = 1L << 30;
    readonly Dictionary<(Type, int), Stack<MemoryBuffer>> pool = [];
    long pooledBytes, deviceToHost, hostToDevice, allocations;

    IlgpuBuffer<T> New<T>(int length) where T : unmanaged
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "buffer length must be >= 0");
        Interlocked.Increment(ref live);
        if (length == 0) return new IlgpuBuffer<T>(this, null, 0);
        MemoryBuffer1D<T, Stride1D.Dense>? memory = null;
        lock (pool)
        {
            if (pool.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
            {
                memory = (MemoryBuffer1D<T, Stride1D.Dense>)stack.Pop();
                pooledBytes -= memory.LengthInBytes;
            }
        }
        if (memory is null)
        {
            memory = Accelerator.Allocate1D<T>(length);
            Interlocked.Increment(ref allocations);
        }
        memory.MemSetToZero(); // IKernels.Allocate promises zero-filled memory; queued on the default stream
        return new IlgpuBuffer<T>(this, memory, length);
    }

    /// <inheritdoc/>
    public DeviceBuffer<float> Slice(DeviceBuffer<float> parent, int offset, int length)
    {
        if (parent is not IlgpuBuffer<float> b) throw new ArgumentException($"Slice: ILGPU kernels need ILGPU buffers, got {parent.GetType().Name}", nameof(parent));
        if (b.IsDisposed) throw new ArgumentException("Slice: the parent buffer is disposed", nameof(parent));
        if (offset < 0 || length < 0 || (long)offset + length > b.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Slice: [{offset}, {(long)offset + length}) is outside a buffer of {b.Length} elements");
        Interlocked.Increment(ref live);
        return b.Slice(offset, length);
    }

    internal void ReleaseLive() => Interlocked.Decrement(ref live);

    /// <summary>Gives an allocation back to the pool once nothing (buffer or slice) uses it.</summary>
    internal void Return<T>(MemoryBuffer1D<T, Stride1D.Dense>? memory, int length) where T : unmanaged
    {
        if (memory is null) return;
        lock (pool)
        {
            if (!disposed && pooledBytes + memory.LengthInBytes <= MaxPooledBytes)
            {
                var key = (typeof(T), length);
                if (!pool.TryGetValue(key, out var stack)) pool[key] = stack = new Stack<MemoryBuffer>();
                stack.Push(memory);
                pooledBytes += memory.LengthInBytes;
                return;
            }
        }
        memory.Dispose();
    }

    /// <summary>Bytes of device memory held by the allocation pool (free buffers kept for reuse).</summary>
    public long PooledBytes
    {
        get { lock (pool) return pooledBytes; }
    }

    /// <summary>Device allocations made so far (pool misses); a steady training loop stops adding to it.</summary>
    public long DeviceAllocations => Interlocked.Read(ref allocations);

    /// <summary>
    /// Device-to-host copies so far (<see cref="DeviceBuffer{T}.CopyTo"/>, <see cref="DeviceBuffer{T}.ToArray"/>):
    /// each one waits for every queued kernel, so a GPU training step should make one (its loss) at most.
    /// Tests read it before and after a step.
    /// </summary>
    public long DeviceToHostCopies => Interlocked.Read(ref deviceToHost);

    /// <summary>Host-to-device copies so far (<see cref="DeviceBuffer{T}.CopyFrom"/>): inputs, noise, masks.</summary>
    public long HostToDeviceCopies => Interlocked.Read(ref hostToDevice);

    internal void CountDeviceToHost() => Interlocked.Increment(ref deviceToHost);
    internal void CountHostToDevice() => Interlocked.Increment(ref hostToDevice);

    /// <summary>Drops every pooled buffer (their device memory is freed).</summary>
    public void TrimPool()
    {
        lock (pool)
        {
            foreach (var stack in pool.Values)
                foreach (var m in stack) m.Dispose();
            pool.Clear();
            pooledBytes = 0;
        }
    }

    bool disposed;

    /// <inheritdoc/>
    public void Synchronize() => Accelerator.Synchronize();

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (pool) disposed = true;
        TrimPool();
        sumPartials?.Dispose();
        Accelerator.Dispose();
        context.Dispose();
    }

    /// <summary>The view behind a buffer of this backend; a clear error for another backend's buffer.</summary>
    internal static ArrayView<T> V<T>(DeviceBuffer<T> buffer) where T : unmanaged =>
        buffer is IlgpuBuffer<T> b
            ? (b.IsDisposed ? throw new ObjectDisposedException("buffer", "a disposed buffer was passed to an ILGPU kernel") : b.View)
            : throw new ArgumentException($"ILGPU kernels need ILGPU buffers, got {buffer.GetType().Name}");
}
