using NativeDsp.Engine;
using NativeDsp.Kernels;

namespace NativeDsp.Tests.Engine;

/// <summary>
/// Every op's backward against finite differences (see <see cref="GradCheck"/> for the step and the
/// tolerance), on the Host kernels, with small odd shapes and the broadcast / transpose variants.
/// </summary>
public sealed class OpGradientTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);
    readonly Rng rng = new(7);
    readonly List<IDisposable> owned = [];

    Tensor Leaf(int[] dims, float low = -1f, float high = 1f, float minAbs = 0f)
    {
        var t = GradCheck.Leaf(device, rng, dims, low, high, minAbs);
        owned.Add(t);
        return t;
    }

    IntTensor Ints(int[] data, params int[] dims)
    {
        var t = IntTensor.FromArray(device, data, dims);
        owned.Add(t);
        return t;
    }

    void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs) => GradCheck.Check(device, f, inputs);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul_Batched(bool transA, bool transB)
    {
        int b = 2, m = 3, k = 4, n = 5;
        var a = Leaf(transA ? [b, k, m] : [b, m, k]);
        var w = Leaf(transB ? [b, n, k] : [b, k, n]);
        Check(x => Ops.MatMul(x[0], x[1], transA, transB), a, w);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul_SharedRightOperand(bool transA, bool transB)
    {
        var a = Leaf(transA ? [2, 3, 4, 3] : [2, 3, 3, 4]);
        var w = Leaf(transB ? [5, 4] : [4, 5]);
        Check(x => Ops.MatMul(x[0], x[1], transA, transB), a, w);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void MatMul_SharedLeftOperand(bool transA, bool transB)
    {
        var a = Leaf(transA ? [4, 3] : [3, 4]);
        var w = Leaf(transB ? [2, 5, 4] : [2, 4, 5]);
        Check(x => Ops.MatMul(x[0], x[1], transA, transB), a, w);
    }

    [Fact]
    public void Linear_WithBias() => Check(x => Ops.Linear(x[0], x[1], x[2]), Leaf([2, 3, 5]), Leaf([4, 5]), Leaf([4]));

    [Fact]
    public void Linear_WithoutBias() => Check(x => Ops.Linear(x[0], x[1]), Leaf([3, 5]), Leaf([4, 5]));

    public static TheoryData<string, int[], int[]> BinaryCases => new()
    {
        { "add", [2, 3, 4], [2, 3, 4] },
        { "add", [2, 3, 4], [4] },          // bias over leading dims
        { "add", [4], [2, 3, 4] },          // the smaller operand first
        { "sub", [2, 3, 4], [2, 3, 4] },
        { "sub", [2, 3, 4], [3, 4] },
        { "sub", [3, 1], [2, 3, 5] },       // smaller first: (-b) + a
        { "mul", [2, 3, 4], [2, 3, 4] },
        { "mul", [2, 3, 4], [2, 3, 1] },    // per-row factor
        { "mul", [2, 3, 4, 5], [3, 1, 1] }, // per-head gate over [B, H, T, D]
        { "mul", [1], [2, 3] },             // one scalar factor
        { "div", [2, 3, 4], [2, 3, 4] },
        { "div", [2, 3, 4], [4] },
        { "div", [2, 3, 4], [2, 3, 1] },
    };

    [Theory, MemberData(nameof(BinaryCases))]
    public void Binary(string op, int[] aDims, int[] bDims)
    {
        var a = Leaf(aDims);
        // Divisors are kept in [0.5, 1.5]: away from 0, where a/b's derivatives blow up.
        var b = op == "div" ? Leaf(bDims, 0.5f, 1.5f) : Leaf(bDims);
        Func<Tensor[], Tensor> f = op switch
        {
            "add" => x => x[0] + x[1],
            "sub" => x => x[0] - x[1],
            "mul" => x => x[0] * x[1],
            _ => x => x[0] / x[1],
        };
        Check(f, a, b);
    }

    [Fact]
    public void Affine() => Check(x => Ops.Affine(x[0], -1.5f, 0.25f), Leaf([3, 4]));

    [Fact]
    public void Sum() => Check(x => Ops.Sum(x[0]), Leaf([3, 5]));

    [Fact]
    public void Mean() => Check(x => Ops.Mean(x[0]), Leaf([3, 5]));

    [Fact]
    public void SumLast() => Check(x => Ops.SumLast(x[0]), Leaf([2, 3, 5]));

    [Fact]
    public void MeanLast() => Check(x => Ops.MeanLast(x[0]), Leaf([2, 3, 5]));

    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Activations(Activation f)
    {
        // Inputs in +-[0.1, 2]: both sides of 0 and the curved parts, never within a step of ReLU's kink.
        Check(x => Ops.Activate(x[0], f), Leaf([3, 7], -2f, 2f, minAbs: 0.1f));
    }

    [Fact]
    public void Dropout()
    {
        // The mask depends only on (seed, offset), so f is linear in x with the same mask at every evaluation.
        Check(x => Ops.Dropout(x[0], 0.3f, seed: 99, offset: 5), Leaf([4, 9]));
    }

    [Fact]
    public void Softmax() => Check(x => Ops.Softmax(x[0]), Leaf([3, 6], -2f, 2f));

    [Fact]
    public void LogSoftmax() => Check(x => Ops.LogSoftmax(x[0]), Leaf([3, 6], -2f, 2f));

    [Theory]
    [InlineData(Reduction.Mean, 0f)]
    [InlineData(Reduction.Mean, 0.1f)]
    [InlineData(Reduction.Sum, 0.1f)]
    [InlineData(Reduction.None, 0.2f)]
    public void CrossEntropy(Reduction reduction, float smoothing)
    {
        var targets = Ints([2, -100, 0, 4, 1, 3], 2, 3); // one ignored row
        Check(x => Ops.CrossEntropy(x[0], targets, ignoreIndex: -100, smoothing, reduction), Leaf([2, 3, 5], -2f, 2f));
    }

    [Fact]
    public void LayerNorm()
    {
        // gamma around 1 as trained layer norms are; x with a spread so the variance is not near 0.
        Check(x => Ops.LayerNorm(x[0], x[1], x[2]), Leaf([2, 3, 6], -2f, 2f), Leaf([6], 0.5f, 1.5f), Leaf([6]));
    }

    [Fact]
    public void Embedding()
    {
        var ids = Ints([3, 0, 3, 1, 4, 3], 2, 3); // id 3 three times: the scatter-add must accumulate
        Check(x => Ops.Embedding(x[0], ids), Leaf([5, 4]));
    }

    [Fact]
    public void SwapAxes12() => Check(x => Ops.SwapAxes12(x[0]), Leaf([2, 3, 4, 5]));

    [Fact]
    public void TransposeLast2() => Check(x => Ops.TransposeLast2(x[0]), Leaf([2, 3, 5]));

    [Theory]
    [InlineData(-1, 1, 3)]
    [InlineData(1, 2, 2)]
    [InlineData(0, 1, 1)]
    public void Slice(int axis, int start, int length) => Check(x => Ops.Slice(x[0], axis, start, length), Leaf([2, 4, 5]));

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Concat(int axis)
    {
        var a = Leaf([2, 3, 4]);
        var b = Leaf(new Shape(2, 3, 4).With(axis, 2).ToArray());
        Check(x => Ops.Concat(axis, x[0], x[1], x[0]), a, b);
    }

    [Fact]
    public void Reshape() => Check(x => Ops.Reshape(x[0], -1, 6) * x[1], Leaf([2, 3, 4]), Leaf([4, 6]));

    [Fact]
    public void Composite_TwoLayerNetworkWithLoss()
    {
        // The ops chained as a model chains them: each backward feeds the next one's gradient.
        var targets = Ints([1, 0, 2, 2], 4);
        Check(x => Ops.CrossEntropy(Ops.Linear(Ops.Tanh(Ops.Linear(x[0], x[1], x[2])), x[3]), targets, smoothing: 0.1f),
            Leaf([4, 3]), Leaf([5, 3]), Leaf([5]), Leaf([3, 5]));
    }

    public void Dispose()
    {
        device.Tape.Reset();
        foreach (var o in owned) o.Dispose();
    }
}
