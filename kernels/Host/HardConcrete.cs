using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// Hard Concrete head gates (Voita et al. 2019): element-wise over H heads, the scalar math lives in
// Pruning/HardConcreteGate.cs so that the ILGPU kernels compute the same thing.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void HardConcreteNoise(DeviceBuffer<float> noise, int heads, ulong seed, ulong offset)
    {
        PruningChecks.HardConcreteNoise(noise, heads);
        var y = A(noise);
        for (int i = 0; i < heads; i++) y[i] = (float)HardConcreteMath.LogisticNoise(seed, offset + (ulong)i);
    }

    /// <inheritdoc/>
    public void HardConcreteForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> gate,
                                    int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteForward(logAlpha, noise, gate, heads, parameters);
        var (la, l, y) = (A(logAlpha), noise is null ? null : A(noise), A(gate));
        var (beta, low, high) = parameters;
        for (int i = 0; i < heads; i++)
            y[i] = (float)HardConcreteMath.Gate(la[i], l is null ? 0.0 : l[i], beta, low, high);
    }

    /// <inheritdoc/>
    public void HardConcreteBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> dgate,
                                     DeviceBuffer<float> dlogAlpha, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteBackward(logAlpha, noise, dgate, dlogAlpha, heads, parameters);
        var (la, l, dy, dx) = (A(logAlpha), noise is null ? null : A(noise), A(dgate), A(dlogAlpha));
        var (beta, low, high) = parameters;
        for (int i = 0; i < heads; i++)
            dx[i] += (float)(dy[i] * HardConcreteMath.GateGradient(la[i], l is null ? 0.0 : l[i], beta, low, high));
    }

    /// <inheritdoc/>
    public void HardConcreteEvalGate(DeviceBuffer<float> logAlpha, DeviceBuffer<float> gate, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteEvalGate(logAlpha, gate, heads, parameters);
        var (la, y) = (A(logAlpha), A(gate));
        for (int i = 0; i < heads; i++) y[i] = (float)HardConcreteMath.EvalGate(la[i], parameters.Low, parameters.High);
    }

    /// <inheritdoc/>
    public void HardConcretePenaltyForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> penalty, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcretePenaltyForward(logAlpha, penalty, heads, parameters);
        var la = A(logAlpha);
        double sum = 0;
        for (int i = 0; i < heads; i++) sum += HardConcreteMath.OpenProbability(la[i], parameters.Beta, parameters.Low, parameters.High);
        A(penalty)[0] = (float)sum;
    }

    /// <inheritdoc/>
    public void HardConcretePenaltyBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> dpenalty, DeviceBuffer<float> dlogAlpha,
                                            int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcretePenaltyBackward(logAlpha, dpenalty, dlogAlpha, heads, parameters);
        var (la, dx) = (A(logAlpha), A(dlogAlpha));
        double dy = A(dpenalty)[0];
        for (int i = 0; i < heads; i++)
            dx[i] += (float)(dy * HardConcreteMath.OpenProbabilityGradient(la[i], parameters.Beta, parameters.Low, parameters.High));
    }

}
