using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The op contracts are written once (kernels/Contracts): a bad call is rejected with the same exception
/// type and the same message by every backend, and the message names the op. One bad call per op family
/// (sizes, lengths, aliasing, parameters), each run on Host and on ILGPU's CPU accelerator.
/// </summary>
public sealed class ContractTests
{
    /// <summary>A bad call: its name, and the call on a backend with buffers a (8 floats), b (8 floats), i (4 ints), d (8 doubles).</summary>
    public static TheoryData<string> BadCalls() => [.. Calls.Keys];

    static readonly Dictionary<string, Action<IKernels, DeviceBuffer<float>, DeviceBuffer<float>, DeviceBuffer<int>, DeviceBuffer<double>>> Calls = new()
    {
        ["Fill past the end"] = (k, a, _, _, _) => k.Fill(a, 0f, 4, 5),
        ["Copy overlapping"] = (k, a, _, _, _) => k.Copy(a, 0, a, 2, 4, false),
        ["Copy2D strides"] = (k, a, b, _, _) => k.Copy2D(a, 0, 1, b, 0, 2, 2, 2, false),
        ["SwapAxes12 short"] = (k, a, b, _, _) => k.SwapAxes12(a, b, 1, 2, 3, 2, false),
        ["MatMul short"] = (k, a, b, _, _) => k.MatMul(a, b, k.Allocate(1), 1, 2, 2, 3, false, false, 0, 0, 0),
        ["Binary period 0"] = (k, a, b, _, _) => k.Binary(BinaryOp.Add, a, b, a, 8, 0, 1),
        ["Binary unknown op"] = (k, a, b, _, _) => k.Binary((BinaryOp)9, a, b, a, 8, 1, 1),
        ["ReduceBroadcast alias"] = (k, a, _, _, _) => k.ReduceBroadcast(a, null, a, 8, 2, 1, false),
        ["ScaleShift negative"] = (k, a, b, _, _) => k.ScaleShift(a, b, -1, 1f, 0f),
        ["Axpy short"] = (k, a, b, _, _) => k.Axpy(1f, a, b, 9),
        ["ReduceRows alias"] = (k, a, _, _, _) => k.ReduceRows(a, a, 2, 4, 1f),
        ["Activation unknown"] = (k, a, b, _, _) => k.ActivationForward((Activation)99, a, b, 8),
        ["ActivationBackward short"] = (k, a, b, _, _) => k.ActivationBackward(Activation.Gelu, a, b, k.Allocate(3), 8),
        ["Dropout p"] = (k, a, b, _, _) => k.Dropout(a, b, 8, 1.5f, 1, 0, false),
        ["SoftmaxForward short"] = (k, a, b, _, _) => k.SoftmaxForward(a, b, 3, 3),
        ["LogSoftmaxBackward alias"] = (k, a, b, _, _) => k.LogSoftmaxBackward(a, b, a, 2, 4),
        ["CrossEntropy smoothing"] = (k, a, b, i, _) => k.CrossEntropyForward(a, i, b, b, 2, 4, -100, 2f),
        ["CrossEntropyBackward short lse"] = (k, a, b, i, _) => k.CrossEntropyBackward(a, i, k.Allocate(1), b, k.Allocate(8), 2, 4, -100, 0f),
        ["LayerNorm eps"] = (k, a, b, _, _) => k.LayerNormForward(a, b, b, k.Allocate(8), b, b, 2, 4, -1f),
        ["LayerNormBackward short gamma"] = (k, a, b, _, _) => k.LayerNormBackward(a, b, k.Allocate(2), b, b, k.Allocate(8), k.Allocate(4), k.Allocate(4), 2, 4),
        ["Embedding dim 0"] = (k, a, b, i, _) => k.EmbeddingForward(a, i, b, 4, 0),
        ["EmbeddingBackward alias"] = (k, a, _, i, _) => k.EmbeddingBackward(a, i, a, 2, 4),
        ["Adam t 0"] = (k, a, b, _, _) => k.AdamUpdate(a, b, k.Allocate(8), k.Allocate(8), 8, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 0),
        ["AdamUpdateMultiTensor short"] = (k, a, b, _, _) =>
        {
            using var layout = new MultiTensorLayout(k, [8, 3]); // 2 chunks: longer than the 8-float buffers
            k.AdamUpdateMultiTensor(a, b, k.Allocate(8), k.Allocate(8), layout, 1f, 0.9f, 0.999f, 1e-8f, true, 1);
        },
        ["SumOfSquares alias"] = (k, a, _, _, _) => k.SumOfSquares(a, 8, a, false),
        ["SumOfSquares short"] = (k, a, b, _, _) => k.SumOfSquares(a, 9, b, false),
        ["ClipScale max norm"] = (k, a, b, _, _) => k.ClipScale(a, b, k.Allocate(1), 0f),
        ["FillGumbel short"] = (k, a, _, _, _) => k.FillGumbel(a, 9, 1, 0),
        ["SoftTopK k"] = (k, a, b, _, d) => k.SoftTopKForward(a, null, b, d, 4, 5, 1.0),
        ["SoftTopKSegments overlap"] = (k, a, b, _, d) => k.SoftTopKSegmentsForward(a, null, b, d, 8, [new(0, 4, 0), new(2, 4, 0)], 1.0),
        ["SteTopK k"] = (k, a, b, _, _) => k.SteTopKForward(a, b, 4, 0),
        ["HardConcrete short gate"] = (k, a, _, _, _) => k.HardConcreteForward(a, null, k.Allocate(2), 4, HardConcreteGate.Default),
        ["Attention short o"] = (k, a, b, _, _) => k.AttentionForward(a, a, a, null, null, k.Allocate(1), b, AttentionShape.Create(1, 1, 2, 2, 2)),
    };

    [Theory, MemberData(nameof(BadCalls))]
    public void EveryBackendRejectsABadCallWithTheSameMessage(string call)
    {
        var messages = new List<(string Backend, Type Type, string Message)>();
        foreach (var backend in new[] { "host", "ilgpu-cpu" })
        {
            var k = TestBackends.Get(backend);
            using var a = k.Allocate(8);
            using var b = k.Allocate(8);
            using var i = k.AllocateInt(4);
            using var d = k.AllocateDouble(8);
            var e = Assert.ThrowsAny<ArgumentException>(() => Calls[call](k, a, b, i, d));
            messages.Add((backend, e.GetType(), e.Message));
        }
        Assert.Equal(messages[0].Type, messages[1].Type);
        Assert.Equal(messages[0].Message, messages[1].Message);
        string op = call.Split(' ')[0];
        Assert.Contains(op, messages[0].Message);
    }

    [Fact]
    public void EveryActivationValueHasARowInTheTable()
    {
        foreach (var f in Enum.GetValues<Activation>()) Assert.True(ActivationTable.IsDefined(f), $"{f} has no row in KernelMath.Activate / ActivateGrad");
        Assert.False(ActivationTable.IsDefined((Activation)99));
    }
}
