namespace NativeDsp.Kernels.Host;

public sealed partial class HostKernels
{
    public void MatMul(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k, bool transA, bool transB, long strideA, long strideB, long strideC, float alpha, float beta) => throw new NotImplementedException();
}
