using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// The engine over both backends (Host and ILGPU's CPU accelerator): a gradient check of each op family
/// with tiny shapes (the CPU accelerator is ~200x slower), and the same small training run on both,
/// whose loss curves must agree to float32 rounding.
/// </summary>
public sealed class BackendEngineTests
{
    static readonly int[] Targets = [1, 0, 2];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var backend in new[] { "host", "ilgpu-cpu" })
            foreach (var op in new[] { "mlp", "matmul-shared", "broadcast-mul", "layernorm", "softmax", "embedding", "permute", "slice-concat", "dropout", "sum", "silu" })
                data.Add(backend, op);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void GradCheck_OnBackend(string backend, string op)
    {
        using var device = new Device(TestBackends.Get(backend));
        var rng = new Rng(11);
        var owned = new List<IDisposable>();
        Tensor L(params int[] dims)
        {
            var t = GradCheck.Leaf(device, rng, dims);
            owned.Add(t);
            return t;
        }
        var targets = IntTensor.FromArray(device, Targets, 3);
        owned.Add(targets);
        try
        {
            switch (op)
            {
                case "mlp":
                    GradCheck.Check(device, x => Ops.CrossEntropy(Ops.Linear(Ops.Gelu(Ops.Linear(x[0], x[1], x[2])), x[3]), targets, smoothing: 0.1f),
                        L(3, 2), L(4, 2), L(4), L(3, 4));
                    break;
                case "matmul-shared":
                    GradCheck.Check(device, x => Ops.MatMul(x[0], x[1], transB: true), L(2, 3, 2), L(3, 2));
                    break;
                case "broadcast-mul":
                    GradCheck.Check(device, x => x[0] * x[1] + x[2], L(2, 3, 2, 2), L(3, 1, 1), L(2));
                    break;
                case "layernorm":
                    GradCheck.Check(device, x => Ops.LayerNorm(x[0], x[1], x[2]), L(3, 5), L(5), L(5));
                    break;
                case "softmax":
                    GradCheck.Check(device, x => Ops.Softmax(x[0]) * Ops.LogSoftmax(x[0]), L(2, 5));
                    break;
                case "embedding":
                    GradCheck.Check(device, x => Ops.Embedding(x[0], targets), L(3, 2));
                    break;
                case "permute":
                    GradCheck.Check(device, x => Ops.TransposeLast2(Ops.SwapAxes12(x[0])), L(1, 2, 3, 2));
                    break;
                case "slice-concat":
                    GradCheck.Check(device, x => Ops.Concat(-1, Ops.Slice(x[0], -1, 1, 2), x[0]), L(2, 4));
                    break;
                case "dropout":
                    GradCheck.Check(device, x => Ops.Dropout(x[0], 0.5f, seed: 3, offset: 0), L(2, 8));
                    break;
                case "silu": // a composite activation: its gradient comes from the tape (x * sigmoid(x))
                    GradCheck.Check(device, x => Ops.Sum(Ops.Silu(x[0])), L(2, 3));
                    break;
                case "sum":
                    GradCheck.Check(device, x => Ops.Sum(Ops.MeanLast(x[0]) - Ops.Tanh(x[1])), L(2, 3), L(2));
                    break;
            }
        }
        finally
        {
            device.Tape.Reset();
            foreach (var o in owned) o.Dispose();
        }
    }

    [Fact]
    public void SameTraining_OnBothBackends_GivesTheSameLossCurve()
    {
        var host = TrainXor("host");
        var ilgpu = TrainXor("ilgpu-cpu");
        // Same seeds, same Philox draws; only the summation order inside the kernels differs, so the
        // curves agree to float32 rounding amplified by 15 steps of training: 1e-4 relative is ample,
        // and a wrong op on either backend changes the loss in the first digits.
        for (int i = 0; i < host.Count; i++) Assert.Equal(host[i], ilgpu[i], 1e-4f * Math.Max(1f, Math.Abs(host[i])));
    }

    static List<float> TrainXor(string backend)
    {
        using var device = new Device(TestBackends.Get(backend));
        var (xs, ys) = ToyData.Xor();
        using var mlp = new TestMlp(device, [2, 6, 2], seed: 2, dropout: 0.1f);
        using var opt = new AdamW(mlp.Parameters(), 0.05f);
        using var x = Tensor.FromArray(device, xs, 4, 2);
        using var y = IntTensor.FromArray(device, ys, 4);
        var losses = new List<float>();
        for (int step = 0; step < 15; step++)
        {
            using var scope = device.Scope();
            var loss = Ops.CrossEntropy(mlp.Forward(x), y);
            opt.ZeroGrad();
            loss.Backward();
            opt.ClipGradNorm(1f);
            opt.Step();
            losses.Add(loss.Item());
        }
        return losses;
    }
}
