using NativeDsp.Kernels.Host;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.Kernels;

/// <summary>The kernels picked for a run and why they were picked (for the run log).</summary>
public sealed record SelectedKernels(IKernels Kernels, string Reason);

/// <summary>
/// Picks the backend: <c>auto</c> tries CUDA, then an OpenCL device ILGPU accepts, then Host.
/// The request comes from <c>--device</c>, else the environment variable <c>NATIVEDSP_DEVICE</c>, else auto.
/// ILGPU's CPU accelerator is never picked by auto: it exists to check the ILGPU kernels.
/// </summary>
public static class DeviceSelection
{
    /// <summary>The environment variable read when no <c>--device</c> is given.</summary>
    public const string EnvironmentVariable = "NATIVEDSP_DEVICE";

    /// <summary>The accepted device names, as written on the command line.</summary>
    public static readonly string[] Choices = ["auto", "cuda", "opencl", "host", "ilgpu-cpu"];

    /// <summary>Selects from <paramref name="requested"/> (the <c>--device</c> value), else the environment variable, else auto.</summary>
    public static SelectedKernels Select(string? requested = null) =>
        Select(requested, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// Selects from <paramref name="requested"/>, else <paramref name="environmentValue"/> (what
    /// <c>NATIVEDSP_DEVICE</c> holds), else auto. Blank values count as absent.
    /// </summary>
    public static SelectedKernels Select(string? requested, string? environmentValue)
    {
        var (choice, source) =
            !string.IsNullOrWhiteSpace(requested) ? (requested, "--device") :
            !string.IsNullOrWhiteSpace(environmentValue) ? (environmentValue, EnvironmentVariable) :
            ("auto", "default");
        choice = choice.Trim().ToLowerInvariant();
        string why = source == "default" ? "auto" : $"{source}={choice}";
        switch (choice)
        {
            case "host":
                var host = new HostKernels();
                return new(host, $"{host.Description} ({why})");
            case "ilgpu-cpu":
                var cpu = IlgpuKernels.CreateCpu();
                return new(cpu, $"{cpu.Description} ({why}; for checking kernels, ~200x slower than host)");
            case "cuda":
                return TryCuda(out var cudaWhy) is { } cuda
                    ? new(cuda, $"{cuda.Description} ({why}; {cudaWhy})")
                    : throw new InvalidOperationException($"{why} was requested but {cudaWhy}");
            case "opencl":
                return TryOpenCL(out var clWhy) is { } cl
                    ? new(cl, $"{cl.Description} ({why}; {clWhy})")
                    : throw new InvalidOperationException($"{why} was requested but {clWhy}");
            case "auto":
                var tried = new List<string>();
                if (TryCuda(out var autoCuda) is { } gpu)
                    return new(gpu, $"{gpu.Description} ({why}: cuda: {autoCuda})");
                tried.Add($"cuda: {autoCuda}");
                if (TryOpenCL(out var autoCl) is { } clGpu)
                    return new(clGpu, $"{clGpu.Description} ({why}: {tried[0]}; opencl: {autoCl})");
                tried.Add($"opencl: {autoCl}");
                var fallback = new HostKernels();
                return new(fallback, $"{fallback.Description} ({why}: no GPU; {string.Join("; ", tried)})");
            default:
                throw new ArgumentException(
                    $"unknown device '{choice}' (from {source}); expected one of {string.Join(", ", Choices)}");
        }
    }

    /// <summary>CUDA or null with the reason; a missing driver library is a reason, not a crash.</summary>
    static IlgpuKernels? TryCuda(out string reason)
    {
        try { return IlgpuKernels.TryCreateCuda(out reason); }
        catch (Exception e)
        {
            reason = $"CUDA unavailable ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }

    static IlgpuKernels? TryOpenCL(out string reason)
    {
        try { return IlgpuKernels.TryCreateOpenCL(out reason); }
        catch (Exception e)
        {
            reason = $"OpenCL unavailable ({e.GetType().Name}: {e.Message})";
            return null;
        }
    }
}
