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
/// and kept as a typed delegate (the lazily-initialised fields next to each op).
/// </summary>
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

    /// <summary>ILGPU's CPU accelerator, sized so that grouped kernels may use groups of up to 256 threads.</summary>
    public static IlgpuKernels CreateCpu()
    {
        // The default CPUDevice allows groups of at most 16 threads; tiled kernels need more.
        var device = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 64, numMultiprocessors: 1);
        var context = Context.Create(b => b.CPU(device).Math(MathMode.Default));
        return new IlgpuKernels(context, context.CreateCPUAccelerator(0), BackendKind.IlgpuCpu);
    }

    /// <summary>The first CUDA device, or null (with the reason) when there is none.</summary>
    public static IlgpuKernels? TryCreateCuda(out string reason)
    {
        var context = Context.Create(b => b.Cuda().Math(MathMode.Default));
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
            context = Context.Create(b => b.OpenCL().Math(MathMode.Default));
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
