using ILGPU;
using ILGPU.Runtime;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Ilgpu;

// Hard Concrete head gates: element-wise kernels over the scalar math of Pruning/HardConcreteGate.cs
// (shared with the Host kernels), and one group summing the expected-L0 penalty in a fixed tree order.
public sealed partial class IlgpuKernels
{
    Action<Index1D, ArrayView<float>, ulong, ulong>? hardConcreteNoise;
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>? hardConcreteForward;
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>? hardConcreteBackward;
    Action<Index1D, ArrayView<float>, ArrayView<float>, HardConcreteArgs>? hardConcreteEval;
    Action<KernelConfig, ArrayView<float>, ArrayView<float>, HardConcreteArgs>? hardConcretePenalty;
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>? hardConcretePenaltyBackward;

    internal struct HardConcreteArgs
    {
        public double Beta, Low, High;
        public int Heads, HasNoise;
    }

    static HardConcreteArgs Args(HardConcreteGate p, int heads, bool hasNoise) =>
        new() { Beta = p.Beta, Low = p.Low, High = p.High, Heads = heads, HasNoise = hasNoise ? 1 : 0 };

    /// <inheritdoc/>
    public void HardConcreteNoise(DeviceBuffer<float> noise, int heads, ulong seed, ulong offset)
    {
        PruningChecks.HardConcreteNoise(noise, heads);
        hardConcreteNoise ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ulong, ulong>(HardConcreteNoiseKernel);
        hardConcreteNoise(heads, V(noise), seed, offset);
    }

    /// <inheritdoc/>
    public void HardConcreteForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> gate,
                                    int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteForward(logAlpha, noise, gate, heads, parameters);
        hardConcreteForward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>(HardConcreteForwardKernel);
        hardConcreteForward(heads, V(logAlpha), V(noise ?? logAlpha), V(gate), Args(parameters, heads, noise is not null));
    }

    /// <inheritdoc/>
    public void HardConcreteBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float>? noise, DeviceBuffer<float> dgate,
                                     DeviceBuffer<float> dlogAlpha, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteBackward(logAlpha, noise, dgate, dlogAlpha, heads, parameters);
        hardConcreteBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>(HardConcreteBackwardKernel);
        hardConcreteBackward(heads, V(logAlpha), V(noise ?? logAlpha), V(dgate), V(dlogAlpha), Args(parameters, heads, noise is not null));
    }

    /// <inheritdoc/>
    public void HardConcreteEvalGate(DeviceBuffer<float> logAlpha, DeviceBuffer<float> gate, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcreteEvalGate(logAlpha, gate, heads, parameters);
        hardConcreteEval ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, HardConcreteArgs>(HardConcreteEvalKernel);
        hardConcreteEval(heads, V(logAlpha), V(gate), Args(parameters, heads, false));
    }

    /// <inheritdoc/>
    public void HardConcretePenaltyForward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> penalty, int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcretePenaltyForward(logAlpha, penalty, heads, parameters);
        hardConcretePenalty ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, HardConcreteArgs>(HardConcretePenaltyKernel);
        hardConcretePenalty(new KernelConfig(1, TopKGroupSize(heads)), V(logAlpha), V(penalty), Args(parameters, heads, false));
    }

    /// <inheritdoc/>
    public void HardConcretePenaltyBackward(DeviceBuffer<float> logAlpha, DeviceBuffer<float> dpenalty, DeviceBuffer<float> dlogAlpha,
                                            int heads, HardConcreteGate parameters)
    {
        PruningChecks.HardConcretePenaltyBackward(logAlpha, dpenalty, dlogAlpha, heads, parameters);
        hardConcretePenaltyBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, HardConcreteArgs>(HardConcretePenaltyBackwardKernel);
        hardConcretePenaltyBackward(heads, V(logAlpha), V(dpenalty), V(dlogAlpha), Args(parameters, heads, false));
    }


    [IlgpuKernel]
    static void HardConcreteNoiseKernel(Index1D index, ArrayView<float> noise, ulong seed, ulong offset) =>
        noise[index] = (float)HardConcreteMath.LogisticNoise(seed, offset + (ulong)(int)index);

    [IlgpuKernel]
    static void HardConcreteForwardKernel(Index1D index, ArrayView<float> logAlpha, ArrayView<float> noise, ArrayView<float> gate, HardConcreteArgs a)
    {
        int i = index;
        double l = a.HasNoise != 0 ? noise[i] : 0.0;
        gate[i] = (float)HardConcreteMath.Gate(logAlpha[i], l, a.Beta, a.Low, a.High);
    }

    [IlgpuKernel]
    static void HardConcreteBackwardKernel(Index1D index, ArrayView<float> logAlpha, ArrayView<float> noise, ArrayView<float> dgate,
                                           ArrayView<float> dlogAlpha, HardConcreteArgs a)
    {
        int i = index;
        double l = a.HasNoise != 0 ? noise[i] : 0.0;
        dlogAlpha[i] += (float)(dgate[i] * HardConcreteMath.GateGradient(logAlpha[i], l, a.Beta, a.Low, a.High));
    }

    [IlgpuKernel]
    static void HardConcreteEvalKernel(Index1D index, ArrayView<float> logAlpha, ArrayView<float> gate, HardConcreteArgs a) =>
        gate[index] = (float)HardConcreteMath.EvalGate(logAlpha[index], a.Low, a.High);

    [IlgpuKernel]
    static void HardConcretePenaltyKernel(ArrayView<float> logAlpha, ArrayView<float> penalty, HardConcreteArgs a)
    {
        var scratch = SharedMemory.Allocate<double>(GroupReduce.MaxGroupSize);
        double part = 0.0;
        for (int i = Group.IdxX; i < a.Heads; i += Group.DimX)
            part += HardConcreteMath.OpenProbability(logAlpha[i], a.Beta, a.Low, a.High);
        double total = GroupReduce.Sum(scratch, part);
        if (Group.IdxX == 0) penalty[0] = (float)total;
    }

    [IlgpuKernel]
    static void HardConcretePenaltyBackwardKernel(Index1D index, ArrayView<float> logAlpha, ArrayView<float> dpenalty,
                                                  ArrayView<float> dlogAlpha, HardConcreteArgs a) =>
        dlogAlpha[index] += (float)(dpenalty[0] * HardConcreteMath.OpenProbabilityGradient(logAlpha[index], a.Beta, a.Low, a.High));
}
