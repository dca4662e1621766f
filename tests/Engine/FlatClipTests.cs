using NativeDsp.Engine;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// Global-norm gradient clipping over <see cref="Adam"/>'s flat gradient buffer (<see cref="Adam.ClipGradNormOnDevice"/> once
/// the gradients live there, ILGPU's CPU accelerator) against the per-tensor clip (<see cref="GradClip.ClipGlobalNorm"/>)
/// on the same gradients, and both against the norm in double.
/// <para>
/// Tolerance: the two paths add the same squares in different orders (the flat one over the whole buffer, whose padding and
/// gradient-less ranges are zero, the per-tensor one tensor by tensor), and with terms >= 0 a float sum whose longest chain
/// of additions is D is within (D + 1) 2^-24 of the exact sum. These models have at most a few thousand gradient elements:
/// a flat buffer of at most 64 x 1024 floats gives at most one square per thread of 64 in at most 1024 groups, then 2 + 16
/// ordered steps per pass (SumOfSquaresTests), plus one step per tensor on the per-tensor path: D &lt;= 64. The norm is a
/// square root (half the sum's relative error, plus one rounding), the scale maxNorm / (norm + 1e-6) adds two roundings,
/// each scaled element one more: so each path's norm is within 34 ulp (relative) of the exact norm, and the two paths' scaled
/// gradients within 2 (34 + 3) ulp of each other, relative to the exactly scaled value.
/// </para>
/// </summary>
public sealed class FlatClipTests : IDisposable
{
    static IlgpuKernels Ilgpu => (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
    readonly Device device = new(Ilgpu);
    const double Eps = 1.0 / (1 << 24);
    const double NormRel = 34 * Eps, ScaledRel = 2 * (34 + 3) * Eps;

    static int[] Bits(float[] x) => x.Select(BitConverter.SingleToInt32Bits).ToArray();

    (long Sums, long Scales, long ReduceBroadcasts, long ToHost, long ToDevice) Counters()
    {
        var k = Ilgpu;
        return (k.SumOfSquaresLaunches, k.BinaryLaunches, k.ReduceBroadcastLaunches, k.DeviceToHostCopies, k.HostToDeviceCopies);
    }

    /// <summary>
    /// Eight steps of a three-group MLP with AdamW: the clip's threshold alternates between half and twice the step's exact
    /// norm (scaled / untouched), the first layer's bias is frozen at steps 2 and 3 (its zeroed gradient stays), one
    /// gradient is dropped at step 4 after the backward pass (its range of the flat buffer still holds values the clip must
    /// not count), and the last step has a NaN gradient (nothing may be scaled). Each step's gradients are copied into
    /// separate parameters that the per-tensor clip clips; the optimizer's clip takes the flat path at every step (at the first,
    /// after moving the gradients into the flat buffer), in 2 + 1 launches of the counted kernels.
    /// </summary>
    [Fact]
    public void FlatClip_EqualsPerTensorClip_OverSteps()
    {
        using var mlp = new TestMlp(device, [3, 9, 5, 2], seed: 4, dropout: 0.1f);
        var ps = mlp.Parameters();
        using var optimizer = new AdamW([
            new ParameterGroup(ps.Take(2), 0.01f, 0.01f, name: "first"),
            new ParameterGroup(ps.Skip(2).Take(2), 0.05f, 0f, constantLearningRate: true, name: "constant"),
            new ParameterGroup(ps.Skip(4), 0.02f, 0.1f, name: "last"),
        ]);
        var rng = new System.Random(8);
        using var x = Tensor.FromArray(device, Enumerable.Range(0, 16 * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray(), 16, 3);
        using var y = IntTensor.FromArray(device, Enumerable.Range(0, 16).Select(i => i % 2).ToArray(), 16);
        const int steps = 8;
        for (int step = 0; step < steps; step++)
        {
            ps[1].RequiresGrad = step is not (2 or 3);
            using var scope = device.Scope();
            var loss = Ops.CrossEntropy(mlp.Forward(x), y, smoothing: 0.1f);
            optimizer.ZeroGrad();
            loss.Backward();
            if (step == 4) ps[3].DropGrad();
            if (step == steps - 1) ps[2].Grad!.CopyFrom([.. ps[2].Grad!.ToArray()[..^1], float.NaN]);

            var before = ps.Select(p => p.Grad?.ToArray()).ToArray();
            double exact = Math.Sqrt(before.Where(g => g is not null).SelectMany(g => g!).Sum(v => (double)v * v));
            bool above = step % 2 == 0;
            float maxNorm = (float)(above ? exact / 2 : exact * 2);
            if (step == steps - 1) maxNorm = 1e-3f;
            var shadows = before.Select((g, i) => g is null ? null : Parameter.FromArray(device, $"shadow{i}", new float[g.Length], g.Length)).ToArray();
            try
            {
                for (int i = 0; i < ps.Count; i++) shadows[i]?.EnsureGrad().CopyFrom(before[i]!);
                var counters = Counters();
                float flatNorm;
                using (var norm = optimizer.ClipGradNormOnDevice(maxNorm))
                {
                    var after = Counters();
                    // Every step, the first included (its gradients are moved into the flat buffer first): one sum, one scale.
                    Assert.Equal((2L, 1L), (after.Sums - counters.Sums, after.Scales - counters.Scales));
                    Assert.Equal(0, after.ReduceBroadcasts - counters.ReduceBroadcasts);
                    // Nothing read back; nothing uploaded except, at the first clip, the flat layout's chunk table (the
                    // optimizer's flat state is built there instead of at the first step).
                    Assert.Equal((0L, step == 0 ? 1L : 0L), (after.ToHost - counters.ToHost, after.ToDevice - counters.ToDevice));
                    flatNorm = norm.Item();
                }
                float perTensorNorm = GradClip.ClipGlobalNorm(shadows.Where(s => s is not null).Cast<Tensor>(), maxNorm);

                if (step == steps - 1)
                {
                    // A NaN gradient: the norm is NaN on both paths and nothing is scaled.
                    Assert.True(float.IsNaN(flatNorm) && float.IsNaN(perTensorNorm), $"norms {flatNorm}, {perTensorNorm}");
                    for (int i = 0; i < ps.Count; i++) Assert.Equal(Bits(before[i]!), Bits(ps[i].Grad!.ToArray()));
                    continue;
                }
                Assert.True(Math.Abs(flatNorm - exact) <= NormRel * exact, $"step {step}: flat norm {flatNorm}, exact {exact}");
                Assert.True(Math.Abs(perTensorNorm - exact) <= NormRel * exact, $"step {step}: per-tensor norm {perTensorNorm}, exact {exact}");
                double scale = above ? maxNorm / (exact + 1e-6) : 1.0;
                for (int i = 0; i < ps.Count; i++)
                {
                    if (before[i] is null)
                    {
                        Assert.Null(ps[i].Grad);
                        continue;
                    }
                    float[] flat = ps[i].Grad!.ToArray(), perTensor = shadows[i]!.Grad!.ToArray();
                    if (!above)
                    {
                        // Below the threshold the factor is exactly 1: both paths leave the gradients' bits alone.
                        Assert.Equal(Bits(before[i]!), Bits(flat));
                        Assert.Equal(Bits(before[i]!), Bits(perTensor));
                        continue;
                    }
                    for (int j = 0; j < flat.Length; j++)
                    {
                        double expected = before[i]![j] * scale;
                        Assert.True(Math.Abs(flat[j] - perTensor[j]) <= ScaledRel * Math.Abs(expected),
                                    $"step {step}, {ps[i].Name}[{j}]: flat {flat[j]}, per tensor {perTensor[j]}, exact {expected}");
                    }
                }
            }
            finally
            {
                foreach (var s in shadows) s?.Dispose();
            }
            optimizer.Step(scheduleFactor: 1f - step / 10f);
        }
    }

    /// <summary>
    /// A clip over many tensors costs the same launches as over a few once the gradients are in the flat buffer (one sum of
    /// squares of two launches, one scale, no per-tensor reduction) and reads nothing back; the per-tensor path scales each
    /// tensor in a launch of its own. Both give the same norm within the tolerance of the class remarks.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(60)]
    public void ClipOverManyTensors_ConstantLaunches_NoReadBack(int tensors)
    {
        var lengths = Enumerable.Range(0, tensors).Select(i => 1 + i * 37 % 1500).ToArray();
        var ps = lengths.Select((n, i) => Parameter.FromArray(device, $"p{i}", Enumerable.Range(0, n).Select(j => MathF.Sin(i + j)).ToArray(), n)).ToArray();
        void Grads(int seed)
        {
            foreach (var (p, i) in ps.Select((p, i) => (p, i)))
                p.EnsureGrad().CopyFrom(Enumerable.Range(0, p.Count).Select(j => MathF.Cos(seed + i * 3 + j)).ToArray());
        }
        try
        {
            float Clip(bool multiTensor)
            {
                using var optimizer = new AdamW([new ParameterGroup(ps, 1e-3f, 0.01f)]) { MultiTensor = multiTensor };
                Grads(0);
                optimizer.Step(); // moves the gradients into the flat buffer (MultiTensor on)
                Grads(1);
                var counters = Counters();
                using var norm = optimizer.ClipGradNormOnDevice(1f);
                var after = Counters();
                if (multiTensor)
                    Assert.Equal((2L, 1L, 0L), (after.Sums - counters.Sums, after.Scales - counters.Scales, after.ReduceBroadcasts - counters.ReduceBroadcasts));
                else
                    Assert.Equal(tensors, after.Scales - counters.Scales);
                Assert.Equal(0, after.ToHost - counters.ToHost);
                float value = norm.Item();
                Assert.Equal(1, Ilgpu.DeviceToHostCopies - after.ToHost); // the norm, when asked for
                return value;
            }
            float flat = Clip(true), perTensor = Clip(false);
            Assert.True(Math.Abs(flat - perTensor) <= 2 * NormRel * perTensor, $"{tensors} tensors: flat {flat}, per tensor {perTensor}");
            Assert.True(flat > 1f); // the gradients were clipped
        }
        finally
        {
            foreach (var p in ps) p.Dispose();
        }
    }

    /// <summary>
    /// A run resumed from its state (model, optimizer, dropout generator) clips exactly as the straight run, with the clip
    /// active at every step: the resumed optimizer's first clip runs over the flat buffer too (its gradients are moved in
    /// first), not tensor by tensor, so the sums are added in the same order and the bits agree. (Which path ran is checked by
    /// its launches: the two orders can round to the same bits by chance on a model this small.)
    /// </summary>
    [Fact]
    public void ResumedRun_ClipsAsTheStraightRun_BitForBit()
    {
        var rng = new System.Random(3);
        using var x = Tensor.FromArray(device, Enumerable.Range(0, 16 * 3).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray(), 16, 3);
        using var y = IntTensor.FromArray(device, Enumerable.Range(0, 16).Select(i => i % 2).ToArray(), 16);
        List<(float Loss, float Norm)> Steps(TestMlp mlp, AdamW optimizer, int count)
        {
            var values = new List<(float, float)>();
            for (int i = 0; i < count; i++)
            {
                using var scope = device.Scope();
                var loss = Ops.CrossEntropy(mlp.Forward(x), y, smoothing: 0.1f);
                optimizer.ZeroGrad();
                loss.Backward();
                long scales = Ilgpu.BinaryLaunches;
                float norm = optimizer.ClipGradNorm(1e-3f);
                Assert.Equal(1, Ilgpu.BinaryLaunches - scales); // the flat path, at every step of either run
                optimizer.Step();
                values.Add((loss.Item(), norm));
            }
            return values;
        }
        static AdamW NewOptimizer(TestMlp mlp) => new([new ParameterGroup(mlp.Parameters(), 0.02f, 0.01f)]);

        using var straight = new TestMlp(device, [3, 64, 48, 2], seed: 6, dropout: 0.1f);
        using var straightOptimizer = NewOptimizer(straight);
        var expected = Steps(straight, straightOptimizer, 6);

        using var first = new TestMlp(device, [3, 64, 48, 2], seed: 6, dropout: 0.1f);
        using var firstOptimizer = NewOptimizer(first);
        var got = Steps(first, firstOptimizer, 3);
        using var resumed = new TestMlp(device, [3, 64, 48, 2], seed: 99, dropout: 0.1f);
        resumed.LoadStateDict(first.StateDict());
        resumed.DropoutState = first.DropoutState;
        using var resumedOptimizer = NewOptimizer(resumed);
        resumedOptimizer.ImportState(firstOptimizer.ExportState());
        got.AddRange(Steps(resumed, resumedOptimizer, 3));

        Assert.All(expected, v => Assert.True(v.Norm > 1e-3f, $"norm {v.Norm}: the clip must be active"));
        Assert.Equal(expected.Select(v => BitConverter.SingleToInt32Bits(v.Loss)), got.Select(v => BitConverter.SingleToInt32Bits(v.Loss)));
        Assert.Equal(expected.Select(v => BitConverter.SingleToInt32Bits(v.Norm)), got.Select(v => BitConverter.SingleToInt32Bits(v.Norm)));
        foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            Assert.True(Bits(a.ToArray()).SequenceEqual(Bits(b.ToArray())), $"{name} differs after the resumed steps");
    }

    public void Dispose() => device.Dispose();
}
