using NativeDsp.Kernels;
using NativeDsp.Kernels.Pruning;
using NativeDsp.Tests.References;
using static NativeDsp.Tests.Kernels.PruningTestData;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The soft top-K over thousands of units (issue 20: FFN neurons, H = 1,536 x 6 and more), where the kernels
/// keep checkpoints instead of every iteration's row and the backward pass recomputes each block
/// (<see cref="SoftTopKLayout"/>): same results as the double-precision reference, repeatable backward calls,
/// and saved memory O(H sqrt K).
/// </summary>
public class SoftTopKLargeTests
{
    [Fact]
    public void SavedMemoryGrowsAsHSqrtKOnceTheRowsAreLarge()
    {
        // Small problems keep every row (no recomputation): the head settings of the paper.
        Assert.Equal(24, SoftTopKLayout.CheckpointInterval(144, 24));
        Assert.Equal(1, SoftTopKLayout.Checkpoints(144, 24));
        Assert.Equal(SoftTopKLayout.Checkpoints(144, 24) * 144 + 24 * 144 + 2 * 24 + 3 * 144, SoftTopKLayout.SavedLength(144, 24));
        // H = 9,216, K = 4,608: C = ceil(sqrt K) = 68, 68 checkpoints: 136 rows of H instead of 4,608 (10 MB, not 340 MB).
        Assert.Equal(68, SoftTopKLayout.CheckpointInterval(9216, 4608));
        Assert.Equal(68, SoftTopKLayout.Checkpoints(9216, 4608));
        Assert.Equal(136L * 9216 + 2 * 4608 + 3 * 9216, SoftTopKLayout.SavedLength(9216, 4608));
        // H = 36,864, K = 18,432: 136 (C) + 136 rows, 80 MB; every row would be 5.4 GB.
        Assert.True(SoftTopKLayout.SavedLength(36864, 18432) * 8L < 100_000_000L);
        foreach (var (h, k) in new[] { (9216, 4608), (9216, 2304), (36864, 9216), (5000, 110), (3072, 1536), (1_000_000, 1) })
        {
            int c = SoftTopKLayout.CheckpointInterval(h, k), n = SoftTopKLayout.Checkpoints(h, k);
            Assert.True((long)c * c >= k && (long)(c - 1) * (c - 1) < k, $"H={h} K={k}: C = {c} is not ceil(sqrt K)");
            Assert.True((long)n * c >= k && (long)(n - 1) * c < k, $"H={h} K={k}: N = {n} blocks of {c} do not cover K");
        }
    }

    /// <summary>(H, K, tau, logit scale, noise seed): thousands of units, K from a few percent to half, checkpointed.</summary>
    static readonly (int H, int K, double Tau, double Scale, ulong Noise)[] LargeCases =
    [
        (3072, 1536, 1.0, 1.0, 31),
        (4000, 200, 0.5, 1.0, 32),
        (1537, 769, 2.0, 0.5, 33),
    ];

    public static TheoryData<string> Hosts
    {
        get
        {
            var data = new TheoryData<string> { "host" };
            foreach (var name in TestBackends.NarrowHosts) data.Add(name);
            return data;
        }
    }

    [Theory, MemberData(nameof(Hosts))]
    public void HostMatchesReferenceAtThousandsOfUnits(string backend)
    {
        var k = TestBackends.Get(backend);
        foreach (var (h, topK, tau, scale, noise) in LargeCases)
            CheckAgainstReference(k, h, topK, tau, scale, noise);
    }

    /// <summary>
    /// Late in the anneal (tau = 1e-6, 1e-8) with thousands of units: nearly every term is flushed, iterations hit
    /// the clamp, and the checkpointed recomputation must still give the hard top-K and a finite gradient.
    /// The scores are a permutation of 0.01 i (gaps of 1e4 tau and more, so the mask is hard to 1e-6).
    /// </summary>
    [Theory, MemberData(nameof(Hosts))]
    public void SmallTauGivesHardTopKAtThousandsOfUnits(string backend)
    {
        var k = TestBackends.Get(backend);
        const int h = 3000;
        var rng = new System.Random(5);
        var w = Enumerable.Range(0, h).OrderBy(_ => rng.Next()).Select(i => 0.01f * i).ToArray();
        var dmask = Normal(h, 1.0, seed: 6);
        foreach (double tau in new[] { 1e-6, 1e-8 })
            foreach (int topK in new[] { 300, 1500 })
            {
                Assert.True(SoftTopKLayout.Checkpoints(h, topK) > 1);
                using var wb = Upload(k, w);
                using var mask = k.Allocate(h);
                using var saved = k.AllocateDouble((int)SoftTopKLayout.SavedLength(h, topK));
                using var dm = Upload(k, dmask);
                using var dw = k.Allocate(h);
                k.SoftTopKForward(wb, null, mask, saved, h, topK, tau);
                k.SoftTopKBackward(saved, dm, dw, h, topK, tau);
                var hard = SoftTopKReference.HardTopK(ToDouble(w), topK);
                var got = mask.ToArray();
                for (int i = 0; i < h; i++)
                    Assert.True(Math.Abs(got[i] - hard[i]) <= 1e-6, $"tau={tau} K={topK}: mask[{i}] = {got[i]:R}, hard {hard[i]}");
                Assert.True(AllFinite(dw.ToArray()), $"tau={tau} K={topK}: gradient not finite");
            }
    }

    /// <summary>
    /// The ILGPU kernel on the CPU accelerator at a moderate size past the checkpoint threshold (its barriers
    /// cost ~ms there): H = 5,000 with 10 blocks of 11 iterations.
    /// </summary>
    [Fact]
    public void IlgpuMatchesReferenceWhenCheckpointed()
    {
        Assert.True(SoftTopKLayout.Checkpoints(5000, 110) > 1, "the case does not reach the checkpointed layout");
        CheckAgainstReference(TestBackends.Get("ilgpu-cpu"), 5000, 110, 1.0, 1.0, 34);
    }

    /// <summary>
    /// Regression (the MiniLM unit sweep, DSP over 9,216 FFN neurons): at exact ties and tau = 1e-8 every entry of
    /// the gradient saturates at <see cref="SoftTopKLayout.GradientLimit"/>; the float32 squared global norm that
    /// gradient clipping computes must stay finite, else the trainer stops the run as diverged (it did with the
    /// old limit of 1e30, whose square overflows float32).
    /// </summary>
    [Theory, MemberData(nameof(Hosts))]
    public void SaturatedGradientKeepsAFiniteSquaredNorm(string backend)
    {
        var k = TestBackends.Get(backend);
        const int h = 9216, topK = 4608;
        using var wb = Upload(k, new float[h]); // every logit equal: exact ties in every iteration
        using var mask = k.Allocate(h);
        using var saved = k.AllocateDouble((int)SoftTopKLayout.SavedLength(h, topK));
        using var dm = Upload(k, Normal(h, 1.0, seed: 5));
        using var dw = Upload(k, new float[h]);
        k.SoftTopKForward(wb, null, mask, saved, h, topK, 1e-8);
        k.SoftTopKBackward(saved, dm, dw, h, topK, 1e-8);
        var grad = dw.ToArray();
        float sumSquares = 0f;
        foreach (float g in grad) sumSquares += g * g;
        Assert.True(grad.Max(Math.Abs) > 1e10f, "the case no longer saturates: it tests nothing");
        Assert.True(float.IsFinite(sumSquares), $"squared gradient norm {sumSquares} (max |g| {grad.Max(Math.Abs):G3})");
    }

    static void CheckAgainstReference(IKernels k, int h, int topK, double tau, double scale, ulong noiseSeed)
    {
        string label = $"H={h} K={topK} tau={tau}";
        Assert.True(SoftTopKLayout.Checkpoints(h, topK) > 1, $"{label}: not checkpointed");
        var w = Normal(h, scale, seed: h + topK);
        var g = Gumbel(h, noiseSeed);
        var dmask = Normal(h, 1.0, seed: 2 * h + topK);
        var start = Normal(h, 1.0, seed: 3 * h + topK);

        using var wb = Upload(k, w);
        using var gb = Upload(k, g);
        using var mask = k.Allocate(h);
        using var saved = k.AllocateDouble((int)SoftTopKLayout.SavedLength(h, topK));
        using var dm = Upload(k, dmask);
        using var dw = Upload(k, start);
        k.SoftTopKForward(wb, gb, mask, saved, h, topK, tau);
        k.SoftTopKBackward(saved, dm, dw, h, topK, tau);
        var got = mask.ToArray();
        var once = dw.ToArray();
        // A second call recomputes every block again (the rows now hold block 0) and adds the same gradient.
        k.SoftTopKBackward(saved, dm, dw, h, topK, tau);
        var twice = dw.ToArray();

        var r0 = w.Select((v, i) => (double)v + g[i]).ToArray();
        var reference = SoftTopKReference.Forward(r0, topK, tau);
        Assert.True(reference.MinOneMinusPmax > 1e-7, $"{label}: test case is ill-conditioned ({reference.MinOneMinusPmax:G3})");
        var refGrad = SoftTopKReference.Backward(reference, ToDouble(dmask), tau);

        // The tolerances of SoftTopKTests.ForwardAndBackwardMatchReference: float32 outputs plus the two double
        // formulations' rounding differences, which the 1e-7 conditioning bound keeps below 1e-8 per
        // iteration; over up to 1,536 iterations the mask's error stays far below float32's 6e-8 relative.
        double sum = 0;
        for (int i = 0; i < h; i++)
        {
            Assert.True(Math.Abs(got[i] - reference.Mask[i]) <= 2e-6 * Math.Max(1, reference.Mask[i]),
                $"{label}: mask[{i}] = {got[i]:R}, reference {reference.Mask[i]:R}");
            sum += got[i];
        }
        // float32 rounding of H entries (each <= 6e-8 of its value): the sum is K within H * 6e-8 * K / H.
        Assert.True(Math.Abs(sum - topK) <= 1e-4 * topK, $"{label}: mask sums to {sum:R}");
        double scaleGrad = Math.Max(1.0, refGrad.Max(Math.Abs));
        for (int i = 0; i < h; i++)
        {
            double expected = start[i] + refGrad[i];
            Assert.True(Math.Abs(once[i] - expected) <= 1e-5 * scaleGrad,
                $"{label}: dlogits[{i}] = {once[i]:R}, expected {expected:R} (scale {scaleGrad:G3})");
            // Two float32 accumulations of the same double gradient.
            Assert.True(Math.Abs(twice[i] - (expected + refGrad[i])) <= 2e-5 * scaleGrad,
                $"{label}: second backward call dlogits[{i}] = {twice[i]:R}, expected {expected + refGrad[i]:R}");
        }
    }
}
