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
/// <item>More scalar parameters than ILGPU's delegate arity allows go into a small struct of ints/floats.</item>
/// <item>Flags are passed as int (0/1), not bool.</item>
/// <item>The host side checks sizes against buffer lengths (<see cref="Checks"/>) and returns before
///   launching when there is nothing to do (ILGPU rejects empty launches).</item>
/// <item>Explicit groups use <see cref="GroupSize"/>/<see cref="RowGroupSize"/>, valid on CUDA and on the
///   small groups of the CPU accelerator.</item>
/// </list>
/// </remarks>
public sealed partial class IlgpuKernels : IKernels
{
    readonly Context context;
    long live;

    public Accelerator Accelerator { get; }
    public BackendKind Kind { get; }
    public string Description { get; }
    public long LiveBuffers => Interlocked.Read(ref live);

    IlgpuKernels(Context context, Accelerator accelerator, BackendKind kind)
    {
        this.context = context;
        Accelerator = accelerator;
        Kind = kind;
        Description = $"{kind switch { BackendKind.Cuda => "cuda", BackendKind.OpenCL => "opencl", _ => "ilgpu-cpu" }}: {accelerator.Name}, " +
                      $"{accelerator.MemorySize / (1 << 20)} MiB, max group {accelerator.MaxNumThreadsPerGroup}";
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

    /// <summary>The first CUDA device, or null (with the reason) when there is none.</summary>
    public static IlgpuKernels? TryCreateCuda(out string reason)
    {
        var context = Context.Create(b => Configure(b.Cuda()));
        var devices = context.GetCudaDevices();
        if (devices.Count == 0)
        {
            context.Dispose();
            reason = "no CUDA device found";
            return null;
        }
        reason = $"CUDA device 0 of {devices.Count}: {devices[0].Name}";
        return new IlgpuKernels(context, devices[0].CreateAccelerator(context), BackendKind.Cuda);
    }

    /// <summary>The first OpenCL device that ILGPU accepts, or null (with the reason) when there is none.</summary>
    public static IlgpuKernels? TryCreateOpenCL(out string reason)
    {
        Context context;
        try
        {
            context = Context.Create(b => Configure(b.OpenCL()));
        }
        catch (Exception e)
        {
            reason = $"OpenCL unavailable ({e.GetType().Name}: {e.Message})";
            return null;
        }
        var devices = context.GetCLDevices();
        if (devices.Count == 0)
        {
            context.Dispose();
            reason = "no OpenCL device that ILGPU supports (ILGPU needs OpenCL 2.0 generic address space; e.g. PoCL 3.1 is rejected)";
            return null;
        }
        reason = $"OpenCL device 0 of {devices.Count}: {devices[0].Name}";
        return new IlgpuKernels(context, devices[0].CreateAccelerator(context), BackendKind.OpenCL);
    }

    /// <summary>
    /// Threads per group of the explicitly grouped kernels: at most <see cref="GroupReduce.MaxGroupSize"/>
    /// (their shared scratch) and at most what the accelerator allows, rounded down to a power of two
    /// for the tree reductions.
    /// </summary>
    public int GroupSize => FloorPow2(Math.Min(GroupReduce.MaxGroupSize, Accelerator.MaxNumThreadsPerGroup));

    /// <summary>Threads for one row of <paramref name="cols"/> elements: no more than the row needs, at least one warp.</summary>
    public int RowGroupSize(int cols) => Math.Clamp(CeilPow2(cols), Math.Min(GroupSize, Accelerator.WarpSize), GroupSize);

    static int FloorPow2(int v) => v <= 1 ? 1 : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)v));
    static int CeilPow2(int v) => v <= 1 ? 1 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)v);

    public DeviceBuffer<float> Allocate(int length) => New<float>(length);
    public DeviceBuffer<int> AllocateInt(int length) => New<int>(length);
    public DeviceBuffer<double> AllocateDouble(int length) => New<double>(length);

    IlgpuBuffer<T> New<T>(int length) where T : unmanaged
    {
        Interlocked.Increment(ref live);
        return new IlgpuBuffer<T>(this, Accelerator, length);
    }

    internal void Released() => Interlocked.Decrement(ref live);

    public void Synchronize() => Accelerator.Synchronize();

    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }

    /// <summary>The view behind a buffer of this backend; a clear error for another backend's buffer.</summary>
    internal static ArrayView<T> V<T>(DeviceBuffer<T> buffer) where T : unmanaged =>
        buffer is IlgpuBuffer<T> b
            ? (b.IsDisposed ? throw new ObjectDisposedException("buffer", "a disposed buffer was passed to an ILGPU kernel") : b.View)
            : throw new ArgumentException($"ILGPU kernels need ILGPU buffers, got {buffer.GetType().Name}");
}
