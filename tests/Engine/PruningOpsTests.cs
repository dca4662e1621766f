using NativeDsp.Engine;
using NativeDsp.Kernels.Pruning;
using static NativeDsp.Tests.Model.ModelTestKit;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// The autograd ops over the pruning kernels: their backward through the tape matches finite differences
/// of their own forward (the kernels themselves are checked against double references in tests/Kernels).
/// </summary>
public class PruningOpsTests
{
    /// <summary>
    /// d/dw of sum(c * op(w)) by central differences in float32 with step 1e-2: the truncation error is
    /// O(h^2 f''') ~ 1e-4 for these smooth functions of O(1) curvature (tau = 1, beta = 0.33 away from the
    /// clamps) and rounding ~1e-7 / 1e-2 = 1e-5; 3e-3 leaves headroom, a wrong backward is off by O(0.1).
    /// </summary>
    const double Tolerance = 3e-3;

    static void CheckGradient(Func<Tensor, Tensor> op, float[] w0, int seed)
    {
        using var device = new Device(TestBackends.Host);
        var c = RandomFloats(w0.Length, seed);
        using var weights = Tensor.FromArray(device, c, c.Length);
        using var w = Tensor.FromArray(device, w0, w0.Length);
        w.RequiresGrad = true;
        float Value(float[] x)
        {
            using var noGrad = NoGrad.Scope();
            using var scope = device.Scope();
            using var t = Tensor.FromArray(device, x, x.Length);
            return Ops.Sum(Ops.Mul(op(t), weights)).Item();
        }
        using (device.Scope()) Ops.Sum(Ops.Mul(op(w), weights)).Backward();
        var analytic = w.Grad!.ToArray();
        var numeric = new float[w0.Length];
        const float h = 1e-2f;
        for (int i = 0; i < w0.Length; i++)
        {
            var plus = (float[])w0.Clone();
            var minus = (float[])w0.Clone();
            plus[i] += h;
            minus[i] -= h;
            numeric[i] = (Value(plus) - Value(minus)) / (2 * h);
        }
        AssertClose(numeric, analytic, Tolerance, "d sum(c * op(w)) / dw");
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(7, 3)]
    [InlineData(6, 6)]
    public void SoftTopKGradientMatchesFiniteDifferences(int heads, int k) =>
        CheckGradient(w => Ops.SoftTopK(w, null, k, tau: 1.0), RandomFloats(heads, heads + k, 1.5f), k);

    /// <summary>Segments with K = 0, K = all, gaps and two relaxed ranges: one op, its gradient by central differences.</summary>
    [Fact]
    public void SoftTopKSegmentsGradientMatchesFiniteDifferences() =>
        CheckGradient(w => Ops.SoftTopKSegments(w, null, [new(1, 5, 2), new(6, 3, 0), new(9, 4, 4), new(14, 6, 5)], tau: 1.0),
                      RandomFloats(21, 77, 1.5f), 78);

    [Fact]
    public void SoftTopKWithNoiseShiftsTheLogits()
    {
        using var device = new Device(TestBackends.Host);
        var w = RandomFloats(6, 1);
        var g = RandomFloats(6, 2);
        using var wt = Tensor.FromArray(device, w, 6);
        using var gt = Tensor.FromArray(device, g, 6);
        using var sum = Tensor.FromArray(device, w.Zip(g, (a, b) => a + b).ToArray(), 6);
        using var scope = device.Scope();
        AssertClose(Ops.SoftTopK(sum, null, 2, 0.5).ToArray(), Ops.SoftTopK(wt, gt, 2, 0.5).ToArray(), 1e-6, "w + g vs noise g");
    }

    [Fact]
    public void HardConcreteGradientsMatchFiniteDifferences()
    {
        // log alpha in [-0.5, 0.5] and zero noise keep every gate inside the stretch (no clamp kinks).
        var logAlpha = RandomFloats(5, 4, 0.5f);
        CheckGradient(a => Ops.HardConcreteSample(a, null, HardConcreteGate.Default), logAlpha, 1);
        CheckGradient(a => Ops.Reshape(Ops.HardConcretePenalty(a, HardConcreteGate.Default), 1), [0.3f], 2);
    }

    [Fact]
    public void SteIsHardTopKForwardAndIdentityBackward()
    {
        using var device = new Device(TestBackends.Host);
        using var w = Tensor.FromArray(device, [0.3f, -1f, 2f, 0.5f, 0.1f], 5);
        w.RequiresGrad = true;
        using var c = Tensor.FromArray(device, [1f, 2f, 3f, 4f, 5f], 5);
        using var scope = device.Scope();
        var mask = Ops.SteTopK(w, 2);
        Assert.Equal(new[] { 0f, 0f, 1f, 1f, 0f }, mask.ToArray());
        Ops.Sum(Ops.Mul(mask, c)).Backward();
        Assert.Equal(c.ToArray(), w.Grad!.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.SteTopK(w, 6));
        Assert.Throws<ArgumentException>(() => Ops.SoftTopK(Ops.Reshape(w, 1, 5), null, 2, 1.0));
    }
}
