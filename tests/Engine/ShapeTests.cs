using NativeDsp.Engine;

namespace NativeDsp.Tests.Engine;

/// <summary>Shapes, and the single clear error an op throws when its operands do not fit.</summary>
public sealed class ShapeTests : IDisposable
{
    readonly Device device = new(TestBackends.Host);
    readonly List<IDisposable> owned = [];

    Tensor T(params int[] dims)
    {
        var t = Tensor.Zeros(device, dims);
        t.RequiresGrad = true;
        owned.Add(t);
        return t;
    }

    [Fact]
    public void Shape_Basics()
    {
        var s = new Shape(2, 3, 4);
        Assert.Equal("[2, 3, 4]", s.ToString());
        Assert.Equal(24, s.Count);
        Assert.Equal(4, s[-1]);
        Assert.Equal(6, s.Rows);
        Assert.Equal(new Shape(2, 3, 4), s);
        Assert.NotEqual(new Shape(2, 12), s);
        Assert.Equal(new Shape(2, 12), s.Reshaped([2, -1]));
        Assert.Equal("[]", Shape.Scalar.ToString());
        Assert.Equal(1, Shape.Scalar.Count);
        Assert.Throws<ShapeException>(() => s.Reshaped([5, -1]));
        Assert.Throws<ArgumentException>(() => new Shape(2, -1));
    }

    [Fact]
    public void MatMul_Mismatch_NamesOpAndBothShapes()
    {
        var e = Assert.Throws<ShapeException>(() => Ops.MatMul(T(2, 3), T(4, 5)));
        Assert.Equal("matmul: shapes [2, 3] and [4, 5] do not match (inner dims 3 vs 4)", e.Message);
        Assert.Equal(0, device.Tape.NodeCount);
    }

    public static TheoryData<string, Func<ShapeTests, Tensor>, string, string> Cases => new()
    {
        { "matmul", t => Ops.MatMul(t.T(2, 3, 4), t.T(3, 4, 5)), "[2, 3, 4]", "[3, 4, 5]" },
        { "add", t => t.T(2, 3) + t.T(4), "[2, 3]", "[4]" },
        { "mul", t => t.T(2, 3, 4) * t.T(2, 1, 5), "[2, 3, 4]", "[2, 1, 5]" },
        { "linear", t => Ops.Linear(t.T(2, 5), t.T(4, 6)), "[2, 5]", "[4, 6]" },
        { "layernorm", t => Ops.LayerNorm(t.T(2, 5), t.T(4), t.T(4)), "[2, 5]", "[4]" },
        { "concat", t => Ops.Concat(-1, t.T(2, 5), t.T(3, 5)), "[2, 5]", "[3, 5]" },
        { "reshape", t => t.T(2, 3).Reshape(4, 2), "[2, 3]", "[4, 2]" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Mismatch_OneExceptionNamingOpAndShapes(string op, Func<ShapeTests, Tensor> run, string first, string second)
    {
        var e = Assert.Throws<ShapeException>(() => run(this));
        Assert.StartsWith($"{op}: shapes {first} and {second} do not match (", e.Message);
        Assert.Equal(0, device.Tape.NodeCount);
    }

    [Fact]
    public void CrossEntropy_BadTargets_NameTheOp()
    {
        using var targets = IntTensor.FromArray(device, [0, 7], 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.CrossEntropy(T(2, 5), targets));
        Assert.Contains("cross_entropy: target 7 is outside [0, 5)", e.Message);
        using var wrongCount = IntTensor.FromArray(device, [0, 1, 2], 3);
        Assert.StartsWith("cross_entropy: shapes [2, 5] and [3]", Assert.Throws<ShapeException>(() => Ops.CrossEntropy(T(2, 5), wrongCount)).Message);
    }

    public void Dispose()
    {
        device.Tape.Reset();
        foreach (var o in owned) o.Dispose();
    }
}
