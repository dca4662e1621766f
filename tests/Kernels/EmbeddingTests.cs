using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Embedding gather and scatter-add against <see cref="EmbeddingReference"/>. The gather is exact; a table
/// row receives one float addition per occurrence of its id, so the scatter errs by ~sqrt(occurrences) eps
/// times the sum of magnitudes (<see cref="PrimitiveTestSupport.AssertSumClose"/>).
/// </summary>
public class EmbeddingTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var backend in TestBackends.All)
            foreach (var (count, dim, vocab) in new[] { (1, 1, 1), (3, 17, 5), (33, 33, 7), (127, 3, 200), (400, 129, 50) })
                if (Fits(backend, (long)count * dim)) data.Add(backend, count, dim, vocab);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ForwardGathersRows(string backend, int count, int dim, int vocab)
    {
        var k = TestBackends.Get(backend);
        var table = RandomFloats(vocab * dim, 80);
        var ids = RandomInts(count, 81, vocab);
        using var tb = Upload(k, table);
        using var ib = Upload(k, ids);
        using var yb = k.Allocate(count * dim);
        k.EmbeddingForward(tb, ib, yb, count, dim);
        AssertClose(EmbeddingReference.Forward(ToDouble(table), ids, count, dim), Download(k, yb), 0, 0, "EmbeddingForward");
    }

    /// <summary>Ids repeat (vocab smaller than count), so rows accumulate several gradients.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void BackwardScatterAddsRepeatedIds(string backend, int count, int dim, int vocab)
    {
        var k = TestBackends.Get(backend);
        var dy = RandomFloats(count * dim, 82);
        var ids = RandomInts(count, 83, vocab);
        var dtable = RandomFloats(vocab * dim, 84);
        using var dyb = Upload(k, dy);
        using var ib = Upload(k, ids);
        using var db = Upload(k, dtable);
        k.EmbeddingBackward(dyb, ib, db, count, dim);
        var expected = EmbeddingReference.Backward(ToDouble(dy), ids, ToDouble(dtable), count, dim);
        var magnitude = EmbeddingReference.Backward(ToDouble(dy).Select(Math.Abs).ToArray(), ids, ToDouble(dtable).Select(Math.Abs).ToArray(), count, dim);
        AssertSumClose(expected, Download(k, db), magnitude, count + 1, "EmbeddingBackward");
    }

    /// <summary>The scatter-add is the adjoint of the gather: &lt;gather(T), dy&gt; = &lt;T, scatter(dy)&gt; (the gradient check of a linear op).</summary>
    [Fact]
    public void ReferenceBackwardIsTheGradientOfTheGather()
    {
        const int count = 9, dim = 4, vocab = 3;
        var table = ToDouble(RandomFloats(vocab * dim, 85));
        var ids = RandomInts(count, 86, vocab);
        var dy = ToDouble(RandomFloats(count * dim, 87));
        var analytic = EmbeddingReference.Backward(dy, ids, new double[table.Length], count, dim);
        AssertGradient(t => EmbeddingReference.Forward(t, ids, count, dim), table, dy, analytic, "embedding");
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void IdOutsideTheVocabularyGivesNaNNotAnOutOfBoundsAccess(string backend)
    {
        // Ids are validated by the engine on the host (IntTensor's host values), not read back by a kernel;
        // a bad id that reaches a kernel anyway gives a NaN row forward and is skipped backward, on every backend.
        var k = TestBackends.Get(backend);
        using var table = k.Allocate(3 * 2);
        table.CopyFrom([1f, 2f, 3f, 4f, 5f, 6f]);
        using var ids = Upload(k, new[] { 2, 3, -1 });
        using var y = k.Allocate(3 * 2);
        k.EmbeddingForward(table, ids, y, 3, 2);
        var rows = y.ToArray();
        Assert.Equal([5f, 6f], rows[..2]);
        Assert.All(rows[2..], v => Assert.True(float.IsNaN(v)));
        using var dy = k.Allocate(3 * 2);
        dy.CopyFrom([1f, 1f, 1f, 1f, 1f, 1f]);
        k.EmbeddingBackward(dy, ids, table, 3, 2);
        Assert.Equal([1f, 2f, 3f, 4f, 6f, 7f], table.ToArray());
    }
}
