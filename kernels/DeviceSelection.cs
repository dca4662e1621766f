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
    public const string EnvironmentVariable = "NATIVEDSP_DEVICE";
    public static readonly string[] Choices = ["auto", "cuda", "opencl", "host", "ilgpu-cpu"];

    public static SelectedKernels Select(string? requested = null)
    {
        string choice = (requested ?? Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "auto").Trim().ToLowerInvariant();
        if (choice.Length == 0) choice = "auto";
        switch (choice)
        {
            case "host":
                var host = new HostKernels();
                return new(host, $"{host.Description} (requested)");
            case "ilgpu-cpu":
                var cpu = IlgpuKernels.CreateCpu();
                return new(cpu, $"{cpu.Description} (requested; for checking kernels, ~200x slower than host)");
            case "cuda":
                return IlgpuKernels.TryCreateCuda(out var cudaWhy) is { } cuda
                    ? new(cuda, $"{cuda.Description} (requested; {cudaWhy})")
                    : throw new InvalidOperationException($"--device cuda was requested but {cudaWhy}");
            case "opencl":
                return IlgpuKernels.TryCreateOpenCL(out var clWhy) is { } cl
                    ? new(cl, $"{cl.Description} (requested; {clWhy})")
                    : throw new InvalidOperationException($"--device opencl was requested but {clWhy}");
            case "auto":
                var skipped = new List<string>();
                IlgpuKernels? gpu = null;
                try { gpu = IlgpuKernels.TryCreateCuda(out var why); skipped.Add($"cuda: {why}"); }
                catch (Exception e) { skipped.Add($"cuda: {e.Message}"); }
                if (gpu is not null) return new(gpu, $"{gpu.Description} (auto: {skipped[^1]})");
                try { gpu = IlgpuKernels.TryCreateOpenCL(out var why); skipped.Add($"opencl: {why}"); }
                catch (Exception e) { skipped.Add($"opencl: {e.Message}"); }
                if (gpu is not null) return new(gpu, $"{gpu.Description} (auto: {string.Join("; ", skipped)})");
                var fallback = new HostKernels();
                return new(fallback, $"{fallback.Description} (auto: {string.Join("; ", skipped)})");
            default:
                throw new ArgumentException($"unknown device '{choice}'; expected one of {string.Join(", ", Choices)}");
        }
    }
}
