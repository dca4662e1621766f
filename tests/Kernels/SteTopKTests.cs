using NativeDsp.Kernels;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PruningTestData;

namespace NativeDsp.Tests.Kernels;

public class SteTopKTests
{
    static float[] Forward(IKernels k, float[] w, int topK)
    {
        using var wb = Upload(k, w);
        using var mask = k.Allocate(w.Length);
        mask.CopyFrom(Enumerable.Repeat(7f, w.Length).ToArray()); // the forward must overwrite every entry
        k.SteTopKForward(wb, mask, w.Length, topK);
        return mask.ToArray();
    }

    /// <summary>Every K in 1..H on logits with many exact ties (drawn from 5 values) and a -0/+0 pair.</summary>
    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void ExactlyKOnesForEveryKMatchingReference(string backend)
    {
        var k = TestBackends.Get(backend);
        var rng = new System.Random(3);
        var w = Enumerable.Range(0, 23).Select(_ => (float)rng.Next(-2, 3)).ToArray();
        w[4] = -0f;
        w[9] = 0f;
        for (int topK = 1; topK <= w.Length; topK++)
        {
            var got = Forward(k, w, topK);
            Assert.All(got, m => Assert.True(m is 0f or 1f, $"K={topK}: mask entry {m}"));
            Assert.Equal(topK, got.Count(m => m == 1f));
            Assert.Equal(SteTopKReference.Forward(w, topK), got);
        }
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void TiesAreBrokenByLowerIndex(string backend)
    {
        var k = TestBackends.Get(backend);
        Assert.Equal([1f, 1f, 1f, 0f, 0f, 0f, 0f], Forward(k, new float[7], 3));
        // Among the three tied 5s, heads 1 and 3 come before head 6; head 0 (the 9) comes first of all.
        Assert.Equal([1f, 1f, 0f, 1f, 0f, 0f, 0f], Forward(k, [9f, 5f, -1f, 5f, 2f, 0f, 5f], 3));
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void RandomLogitsMatchReference(string backend)
    {
        var k = TestBackends.Get(backend);
        foreach (int h in new[] { 1, 2, 13, 144, 257 })
        {
            var w = Normal(h, 1.0, seed: h);
            foreach (int topK in new[] { 1, (h + 1) / 2, h }.Distinct())
                Assert.Equal(SteTopKReference.Forward(w, topK), Forward(k, w, topK));
        }
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void BackwardIsTheIdentityAndAccumulates(string backend)
    {
        var k = TestBackends.Get(backend);
        var dmask = Normal(9, 1.0, seed: 1);
        var start = Normal(9, 1.0, seed: 2);
        using var dm = Upload(k, dmask);
        using var dw = Upload(k, start);
        k.SteTopKBackward(dm, dw, 9);
        // float addition of two floats, the same single rounding on every backend: exact equality.
        Assert.Equal(start.Select((s, i) => s + dmask[i]).ToArray(), dw.ToArray());
    }

    [Fact]
    public void HostRejectsNaNLogits()
    {
        var e = Assert.Throws<ArgumentException>(() => Forward(TestBackends.Host, [1f, float.NaN, 0f], 1));
        Assert.Contains(nameof(IKernels.SteTopKForward), e.Message);
        Assert.Contains("logit 1", e.Message);
    }

    [Theory, MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void RejectsBadK(string backend)
    {
        var k = TestBackends.Get(backend);
        foreach (int topK in new[] { 0, 4, -1 })
            Assert.Contains(nameof(IKernels.SteTopKForward), Assert.ThrowsAny<ArgumentException>(() => Forward(k, [1f, 2f, 3f], topK)).Message);
    }
}
