namespace NativeDsp.Kernels;

/// <summary>The optimizer op over many tensors at once (see <see cref="IKernels"/> for the shared conventions).</summary>
public partial interface IKernels
{
    /// <summary>
    /// <see cref="AdamUpdate"/> over every tensor of a <see cref="MultiTensorLayout"/> in one call (one launch on
    /// ILGPU), the multi-tensor apply of PyTorch's fused Adam: <paramref name="param"/>, <paramref name="grad"/>,
    /// <paramref name="m"/> and <paramref name="v"/> are flat buffers of <see cref="MultiTensorLayout.Length"/>
    /// floats holding tensor s at elements [Offset(s), Offset(s) + Length(s)) of each, and the layout's device tables
    /// say, per chunk of <see cref="MultiTensorLayout.ChunkSize"/> elements, which tensor it belongs to, and per tensor
    /// its range, base learning rate, weight decay and flags (<see cref="MultiTensorLayout.SetTensor"/>). Every
    /// active tensor gets exactly the update <see cref="AdamUpdate"/> would give it with learning rate
    /// lr_s = base_s (constant-rate tensors) or base_s * <paramref name="scheduleFactor"/> (others, multiplied in
    /// float32 as the host does), weight decay wd_s, and the shared betas, eps, decoupling and step t: the same bits
    /// on the same backend. Inactive tensors and the padding between tensors are not touched.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.AdamUpdateMultiTensor"/> (buffer lengths against the layout, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void AdamUpdateMultiTensor(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                               MultiTensorLayout layout, float scheduleFactor, float beta1, float beta2, float eps, bool decoupled, int t);
}
