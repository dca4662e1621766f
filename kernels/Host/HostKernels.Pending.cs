namespace NativeDsp.Kernels.Host;

// Ops not written yet; each moves to its own file when it is.
public sealed partial class HostKernels
{
}
