using System.Numerics.Tensors;

namespace NativeDsp.Kernels.Host;

// Point-wise activations and their derivatives; formulas as in KernelMath (shared with ILGPU). The listed
// activations have vectorised paths; any other value of ActivationTable runs KernelMath's scalar formula
// (never another activation's), and a value without one is rejected by the contract.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void ActivationForward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> y, int n)
    {
        KernelContracts.ActivationForward(f, x, y, n);
        var (xa, ya) = (A(x), A(y));
        HostParallel.For(n, 8, (start, end) =>
        {
            var xs = xa.AsSpan(start, end - start);
            var ys = ya.AsSpan(start, end - start);
            switch (f)
            {
                case Activation.Relu: TensorPrimitives.Max(xs, 0f, ys); break;
                // TensorPrimitives' tanh keeps full relative accuracy near 0, which 1 - 2/(e^2x + 1) does not.
                case Activation.Tanh: TensorPrimitives.Tanh(xs, ys); break;
                case Activation.Sigmoid: TensorPrimitives.Sigmoid(xs, ys); break;
                case Activation.Gelu or Activation.GeluTanh:
                    var loop = new ActivationForwardLoop(f, xa, ya);
                    VectorLoop.Run(ref loop, start, end);
                    break;
                default:
                    for (int i = start; i < end; i++) ya[i] = KernelMath.Activate(f, xa[i]);
                    break;
            }
        });
    }

    /// <inheritdoc/>
    public void ActivationBackward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int n)
    {
        KernelContracts.ActivationBackward(f, x, dy, dx, n);
        var (xa, dya, dxa) = (A(x), A(dy), A(dx));
        HostParallel.For(n, 8, (start, end) =>
        {
            var loop = new ActivationBackwardLoop(f, xa, dya, dxa);
            VectorLoop.Run(ref loop, start, end);
        });
    }

    /// <summary>The GELU forms (the others use TensorPrimitives).</summary>
    readonly struct ActivationForwardLoop(Activation f, float[] x, float[] y) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV half = TV.Broadcast(0.5f), one = TV.Broadcast(1f);
            if (f == Activation.Gelu)
            {
                TV invSqrt2 = TV.Broadcast(KernelMath.InvSqrt2);
                for (; i + TV.Count <= end; i += TV.Count)
                {
                    var v = TV.Load(x, i);
                    TV.Store(half * v * (one + VectorMath.Erf(v * invSqrt2)), y, i);
                }
            }
            else // GeluTanh (the caller sends nothing else here)
            {
                TV c = TV.Broadcast(KernelMath.Sqrt2OverPi), cubic = TV.Broadcast(KernelMath.GeluTanhCubic);
                for (; i + TV.Count <= end; i += TV.Count)
                {
                    var v = TV.Load(x, i);
                    var u = c * TV.Fma(cubic * v * v, v, v);
                    TV.Store(half * v * (one + VectorMath.Tanh(u)), y, i);
                }
            }
            return 0f;
        }
    }

    readonly struct ActivationBackwardLoop(Activation f, float[] x, float[] dy, float[] dx) : IVectorLoop
    {
        public float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>
        {
            TV zero = TV.Broadcast(0f), half = TV.Broadcast(0.5f), one = TV.Broadcast(1f);
            switch (f)
            {
                case Activation.Relu:
                    for (; i + TV.Count <= end; i += TV.Count)
                        TV.Store(TV.Load(dx, i) + TV.SelectLess(zero, TV.Load(x, i), TV.Load(dy, i), zero), dx, i);
                    break;
                case Activation.Gelu:
                {
                    TV invSqrt2 = TV.Broadcast(KernelMath.InvSqrt2), invSqrt2Pi = TV.Broadcast(KernelMath.InvSqrt2Pi), minusHalf = TV.Broadcast(-0.5f);
                    for (; i + TV.Count <= end; i += TV.Count)
                    {
                        var v = TV.Load(x, i);
                        var cdf = half * (one + VectorMath.Erf(v * invSqrt2));
                        var pdf = invSqrt2Pi * TV.Exp(minusHalf * v * v);
                        TV.Store(TV.Fma(TV.Fma(v, pdf, cdf), TV.Load(dy, i), TV.Load(dx, i)), dx, i);
                    }
                    break;
                }
                case Activation.GeluTanh:
                {
                    TV c = TV.Broadcast(KernelMath.Sqrt2OverPi), cubic = TV.Broadcast(KernelMath.GeluTanhCubic);
                    TV cubic3 = TV.Broadcast(3f * KernelMath.GeluTanhCubic);
                    for (; i + TV.Count <= end; i += TV.Count)
                    {
                        var v = TV.Load(x, i);
                        var v2 = v * v;
                        var th = VectorMath.TanhAndSech2(c * TV.Fma(cubic * v2, v, v), out var sech2);
                        var du = c * TV.Fma(cubic3, v2, one);
                        var grad = half * (one + th) + half * v * sech2 * du;
                        TV.Store(TV.Fma(grad, TV.Load(dy, i), TV.Load(dx, i)), dx, i);
                    }
                    break;
                }
                case Activation.Tanh:
                    for (; i + TV.Count <= end; i += TV.Count)
                    {
                        VectorMath.TanhAndSech2(TV.Load(x, i), out var sech2);
                        TV.Store(TV.Fma(sech2, TV.Load(dy, i), TV.Load(dx, i)), dx, i);
                    }
                    break;
                case Activation.Sigmoid:
                    for (; i + TV.Count <= end; i += TV.Count)
                    {
                        var s = VectorMath.Sigmoid(TV.Load(x, i));
                        TV.Store(TV.Fma(s * (one - s), TV.Load(dy, i), TV.Load(dx, i)), dx, i);
                    }
                    break;
                default:
                    // No vector path: KernelMath's scalar derivative, the one ILGPU runs.
                    for (; i < end; i++) dx[i] += KernelMath.ActivateGrad(f, x[i]) * dy[i];
                    break;
            }
            return 0f;
        }
    }
}
