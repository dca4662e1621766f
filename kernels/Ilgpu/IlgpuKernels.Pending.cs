namespace NativeDsp.Kernels.Ilgpu;

// Ops not written yet; each moves to its own file when it is.
public sealed partial class IlgpuKernels
{
    public void MatMul(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c, int batch, int m, int n, int k, bool transA, bool transB, long strideA, long strideB, long strideC, float alpha, float beta) => throw new NotImplementedException();
    public void ReduceBroadcast(DeviceBuffer<float> x, DeviceBuffer<float>? x2, DeviceBuffer<float> db, int n, int period, int inner, bool accumulate) => throw new NotImplementedException();
    public void ReduceRows(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols, float scale) => throw new NotImplementedException();
    public void ActivationForward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> y, int n) => throw new NotImplementedException();
    public void ActivationBackward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int n) => throw new NotImplementedException();
    public void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p, ulong seed, ulong offset, bool accumulate) => throw new NotImplementedException();
    public void SoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols) => throw new NotImplementedException();
    public void SoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols) => throw new NotImplementedException();
    public void LogSoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols) => throw new NotImplementedException();
    public void LogSoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols) => throw new NotImplementedException();
    public void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss, DeviceBuffer<float> lse, int rows, int cols, int ignoreIndex, float smoothing) => throw new NotImplementedException();
    public void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse, DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits, int rows, int cols, int ignoreIndex, float smoothing) => throw new NotImplementedException();
    public void LayerNormForward(DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta, DeviceBuffer<float> y, DeviceBuffer<float> mean, DeviceBuffer<float> rstd, int rows, int cols, float eps) => throw new NotImplementedException();
    public void LayerNormBackward(DeviceBuffer<float> dy, DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> mean, DeviceBuffer<float> rstd, DeviceBuffer<float> dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta, int rows, int cols) => throw new NotImplementedException();
    public void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim) => throw new NotImplementedException();
    public void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim) => throw new NotImplementedException();
    public void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v, int n, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t) => throw new NotImplementedException();
    public void FillUniform(DeviceBuffer<float> y, int n, ulong seed, ulong offset) => throw new NotImplementedException();
    public void FillNormal(DeviceBuffer<float> y, int n, float mean, float std, ulong seed, ulong offset) => throw new NotImplementedException();
    public void FillGumbel(DeviceBuffer<float> y, int n, ulong seed, ulong offset) => throw new NotImplementedException();
}
