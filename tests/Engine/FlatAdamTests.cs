using NativeDsp.Engine;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// <see cref="Adam"/> on ILGPU (CPU accelerator) with all parameters in flat buffers and one
/// <see cref="NativeDsp.Kernels.IKernels.AdamUpdateMultiTensor"/> launch per step (engine/Optim/FlatAdamState.cs), against the
/// same optimizer with <see cref="Adam.MultiTensor"/> off (one launch per parameter). Both run the same per-element device
/// code with the same rates, so every comparison is bit for bit: losses, parameters, exported state, a resumed run, and a
/// run whose optimizer is rebuilt after a parameter is replaced (what physical pruning does). Launches are counted with
/// <see cref="IlgpuKernels.AdamLaunches"/>.
/// </summary>
public sealed class FlatAdamTests : IDisposable
{
    static IlgpuKernels Ilgpu => (IlgpuKernels)TestBackends.Get("ilgpu-cpu");
    readonly Device device = new(Ilgpu);

    static int[] Bits(float[] x) => x.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Three groups: decayed, constant rate (DSP's head logits), and another rate and decay.</summary>
    static AdamW NewOptimizer(TestMlp mlp, bool multiTensor)
    {
        var ps = mlp.Parameters();
        return new AdamW([
            new ParameterGroup(ps.Take(2), 0.01f, 0.01f, name: "first"),
            new ParameterGroup(ps.Skip(2).Take(2), 0.05f, 0f, constantLearningRate: true, name: "constant"),
            new ParameterGroup(ps.Skip(4), 0.02f, 0.1f, name: "last"),
        ]) { MultiTensor = multiTensor };
    }

    sealed class Run(Device device, bool multiTensor) : IDisposable
    {
        public readonly TestMlp Mlp = new(device, [3, 9, 5, 2], seed: 4, dropout: 0.1f);
        public AdamW Optimizer = null!;
        public readonly List<float> Losses = [];
        public readonly List<long> Launches = [];

        public Run Start()
        {
            Optimizer = NewOptimizer(Mlp, multiTensor);
            return this;
        }

        public void Steps(Tensor x, IntTensor y, int start, int count)
        {
            var k = Ilgpu;
            for (int i = start; i < start + count; i++)
            {
                // The first layer's bias is frozen for steps 2 and 3: the optimizer must skip it, then take it up again.
                Mlp.Parameters()[1].RequiresGrad = i is not (2 or 3);
                using var scope = device.Scope();
                var loss = Ops.CrossEntropy(Mlp.Forward(x), y, smoothing: 0.1f);
                Optimizer.ZeroGrad();
                loss.Backward();
                Optimizer.ClipGradNorm(1f);
                long before = k.AdamLaunches;
                Optimizer.Step(scheduleFactor: 1f - i / 10f);
                Launches.Add(k.AdamLaunches - before);
                Losses.Add(loss.Item());
            }
        }

        public void Dispose()
        {
            Optimizer.Dispose();
            Mlp.Dispose();
        }
    }

    (Tensor X, IntTensor Y) Data()
    {
        var rng = new System.Random(8);
        var xs = Enumerable.Range(0, 16 * 3).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var ys = Enumerable.Range(0, 16).Select(i => i % 2).ToArray();
        return (Tensor.FromArray(device, xs, 16, 3), IntTensor.FromArray(device, ys, 16));
    }

    static void AssertSameParameters(TestMlp a, TestMlp b, string what)
    {
        foreach (var ((name, pa), (_, pb)) in a.NamedParameters().Zip(b.NamedParameters()))
            Assert.True(Bits(pa.ToArray()).SequenceEqual(Bits(pb.ToArray())), $"{what}: {name} differs");
    }

    [Fact]
    public void OneLaunchPerStep_SameBitsAsPerParameterLaunches_AndResumesExactly()
    {
        var (x, y) = Data();
        using var _x = x;
        using var _y = y;
        using var flat = new Run(device, true).Start();
        using var perTensor = new Run(device, false).Start();
        flat.Steps(x, y, 0, 5);
        perTensor.Steps(x, y, 0, 5);
        Assert.Equal(Bits([.. perTensor.Losses]), Bits([.. flat.Losses]));
        AssertSameParameters(perTensor.Mlp, flat.Mlp, "after 5 steps");
        Assert.All(flat.Launches, n => Assert.Equal(1, n));
        Assert.Equal([6, 6, 5, 5, 6], perTensor.Launches); // one per parameter with a gradient that requires it

        // The exported state is the same, entry for entry and bit for bit.
        var flatState = flat.Optimizer.ExportState();
        var perTensorState = perTensor.Optimizer.ExportState();
        Assert.Equal(perTensorState.Step, flatState.Step);
        Assert.Equal(perTensorState.Tensors.Keys.Order(), flatState.Tensors.Keys.Order());
        foreach (var (key, t) in perTensorState.Tensors)
            Assert.True(Bits(t.Data).SequenceEqual(Bits(flatState.Tensors[key].Data)), $"state {key} differs");

        // A run resumed from the state (fresh model and optimizer) continues exactly as the straight one.
        var modelState = flat.Mlp.StateDict();
        var rngState = flat.Mlp.DropoutState;
        using var resumed = new Run(device, true);
        resumed.Mlp.LoadStateDict(modelState);
        resumed.Mlp.DropoutState = rngState;
        resumed.Start().Optimizer.ImportState(flatState);
        flat.Steps(x, y, 5, 3);
        resumed.Steps(x, y, 5, 3);
        Assert.Equal(Bits(flat.Losses.Skip(5).ToArray()), Bits([.. resumed.Losses]));
        AssertSameParameters(flat.Mlp, resumed.Mlp, "resumed");
        Assert.All(resumed.Launches, n => Assert.Equal(1, n));
    }

    /// <summary>
    /// Physical pruning replaces parameters by smaller ones and rebuilds the optimizer: the parameters left in place still
    /// live in the old optimizer's flat buffer (their slices keep it alive) and move to the new one at its first step.
    /// Afterwards everything is freed: no buffer outlives the tensors and optimizers.
    /// </summary>
    [Fact]
    public void RebuiltAfterAParameterIsReplaced_StaysBitIdentical_AndFreesEverything()
    {
        long live = Ilgpu.LiveBuffers;
        float[] Run(bool multiTensor)
        {
            var a = Parameter.FromArray(device, "a", [1f, -2f, 3f, 0.5f, -0.25f], 5);
            var b = Parameter.FromArray(device, "b", Enumerable.Range(0, 1500).Select(i => MathF.Sin(i)).ToArray(), 1500);
            var c = Parameter.FromArray(device, "c", [0.1f, 0.2f], 2);
            try
            {
                void Grads(int step, params Parameter[] ps)
                {
                    foreach (var p in ps) p.EnsureGrad().CopyFrom(Enumerable.Range(0, p.Count).Select(i => MathF.Cos(i + 3 * step + p.Count)).ToArray());
                }
                var groups = () => new ParameterGroup[] { new([a, b], 0.01f, 0.01f), new([c], 0.5f, constantLearningRate: true) };
                var first = new AdamW(groups()) { MultiTensor = multiTensor };
                for (int t = 0; t < 3; t++) { Grads(t, a, b, c); first.Step(0.9f); }
                // "Pruning": b keeps its first 700 elements in a new parameter; the optimizer is rebuilt.
                var kept = b.ToArray()[..700];
                b.Dispose();
                b = Parameter.FromArray(device, "b", kept, 700);
                first.Dispose();
                using var second = new AdamW(groups()) { MultiTensor = multiTensor };
                for (int t = 3; t < 6; t++)
                {
                    Grads(t, a, b, c);
                    long before = Ilgpu.AdamLaunches;
                    second.Step(0.8f);
                    Assert.Equal(multiTensor ? 1 : 3, Ilgpu.AdamLaunches - before);
                }
                return [.. a.ToArray(), .. b.ToArray(), .. c.ToArray()];
            }
            finally
            {
                a.Dispose();
                b.Dispose();
                c.Dispose();
            }
        }
        var flat = Run(true);
        Assert.Equal(live, Ilgpu.LiveBuffers);
        var perTensor = Run(false);
        Assert.Equal(Bits(perTensor), Bits(flat));
        Assert.Equal(live, Ilgpu.LiveBuffers);
    }

    public void Dispose() => device.Dispose();
}
