namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// Marks a static method as an ILGPU kernel entry point. The PTX compile test finds every method with
/// this attribute in the kernels assembly and compiles it for CUDA, so a kernel that the PTX backend
/// rejects fails in the test suite on a machine without a GPU. Whether the kernel is implicitly grouped
/// (first parameter Index1D/2D/3D, loaded with LoadAutoGroupedStreamKernel) or explicitly grouped
/// (no index parameter, loaded with LoadStreamKernel) is read from its signature.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class IlgpuKernelAttribute : Attribute;
