namespace NativeDsp.Kernels.Ilgpu;

public sealed partial class IlgpuKernels
{
    public void AttentionForward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v, DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate, DeviceBuffer<float> o, DeviceBuffer<float> lse, AttentionShape s) => throw new NotImplementedException();
    public void AttentionBackward(DeviceBuffer<float> q, DeviceBuffer<float> k, DeviceBuffer<float> v, DeviceBuffer<float>? keyMask, DeviceBuffer<float>? gate, DeviceBuffer<float> o, DeviceBuffer<float> lse, DeviceBuffer<float> dO, DeviceBuffer<float> dQ, DeviceBuffer<float> dK, DeviceBuffer<float> dV, DeviceBuffer<float>? dGate, AttentionShape s) => throw new NotImplementedException();
}
