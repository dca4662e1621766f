using NativeDsp.Kernels;
using static NativeDsp.Tests.Kernels.PrimitiveTestSupport;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// <see cref="IKernels.AdamUpdateMultiTensor"/> against per-tensor <see cref="IKernels.AdamUpdate"/> on the same backend,
/// bit for bit: both run the same per-element code (Host: the same vector loop over the same ranges; ILGPU: one shared
/// device function), and a tensor's rate is its base rate times the schedule factor in float32, as the host computes
/// it for the per-tensor call. Tensors of odd lengths (0, 1, one past a chunk, several chunks), three "groups" (decayed,
/// constant rate, no decay), one tensor inactive at some steps, four steps with a changing schedule factor, Adam and
/// AdamW. The padding between tensors and inactive tensors must stay untouched.
/// </summary>
public sealed class AdamMultiTensorTests
{
    static readonly int[] Lengths = [7, 0, 1, MultiTensorLayout.ChunkSize + 1, 3000, 33];

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void OneCallEqualsPerTensorCallsBitForBit(string backend)
    {
        foreach (bool decoupled in new[] { true, false })
            Check(TestBackends.Get(backend), decoupled);
    }

    static void Check(IKernels k, bool decoupled)
    {
        const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        using var layout = new MultiTensorLayout(k, Lengths);
        int n = layout.Length;
        // Flat buffers hold sentinels in the padding, so a write outside a tensor shows.
        var p0 = RandomFloats(n, 5);
        using var param = Upload(k, p0);
        using var grad = k.Allocate(n);
        using var m = Upload(k, Enumerable.Repeat(7f, n).ToArray());
        using var v = Upload(k, Enumerable.Repeat(9f, n).ToArray());
        var tensors = Lengths.Select((len, s) => (P: Upload(k, p0[layout.Offset(s)..(layout.Offset(s) + len)]), G: k.Allocate(len),
                                                  M: Upload(k, Enumerable.Repeat(7f, len).ToArray()), V: Upload(k, Enumerable.Repeat(9f, len).ToArray()))).ToArray();
        try
        {
            float[] factors = [0.25f, 1f, 0.7f, 0.1f];
            for (int t = 1; t <= factors.Length; t++)
            {
                var g = RandomFloats(n, 10 + t);
                grad.CopyFrom(g);
                for (int s = 0; s < Lengths.Length; s++)
                {
                    // Groups: decayed (0.01) at 1e-2, constant rate 0.5 without decay, and plain 3e-3; tensor 4 skips step 2.
                    bool active = !(s == 4 && t == 2), constant = s % 3 == 1;
                    float lr = s % 3 == 0 ? 1e-2f : s % 3 == 1 ? 0.5f : 3e-3f, wd = s % 3 == 0 ? 0.01f : 0f;
                    layout.SetTensor(s, active, constant, lr, wd);
                    var x = tensors[s];
                    x.G.CopyFrom(g.AsSpan(layout.Offset(s), Lengths[s]));
                    if (active)
                        k.AdamUpdate(x.P, x.G, x.M, x.V, Lengths[s], constant ? lr : lr * factors[t - 1], beta1, beta2, eps, wd, decoupled, t);
                }
                k.AdamUpdateMultiTensor(param, grad, m, v, layout, factors[t - 1], beta1, beta2, eps, decoupled, t);
            }
            float[] fp = param.ToArray(), fm = m.ToArray(), fv = v.ToArray();
            var inside = new bool[n];
            for (int s = 0; s < Lengths.Length; s++)
            {
                int at = layout.Offset(s);
                for (int i = 0; i < Lengths[s]; i++) inside[at + i] = true;
                string what = $"{k.Kind} decoupled={decoupled} tensor {s}";
                Assert.True(tensors[s].P.ToArray().AsSpan().SequenceEqual(fp.AsSpan(at, Lengths[s])), $"{what}: parameters differ");
                Assert.True(tensors[s].M.ToArray().AsSpan().SequenceEqual(fm.AsSpan(at, Lengths[s])), $"{what}: m differs");
                Assert.True(tensors[s].V.ToArray().AsSpan().SequenceEqual(fv.AsSpan(at, Lengths[s])), $"{what}: v differs");
            }
            for (int i = 0; i < n; i++)
                if (!inside[i]) Assert.True(fp[i] == p0[i] && fm[i] == 7f && fv[i] == 9f, $"padding element {i} was written");
            Assert.NotEqual(p0[layout.Offset(4)], fp[layout.Offset(4)]); // the test moved something
        }
        finally
        {
            foreach (var x in tensors) { x.P.Dispose(); x.G.Dispose(); x.M.Dispose(); x.V.Dispose(); }
        }
    }

    [Fact]
    public void LayoutAlignsEveryTensorToAChunk()
    {
        using var layout = new MultiTensorLayout(TestBackends.Host, Lengths);
        Assert.Equal([0, 1024, 1024, 2048, 4096, 7168], Enumerable.Range(0, Lengths.Length).Select(layout.Offset));
        Assert.Equal(8192, layout.Length);
        Assert.Equal(8, layout.Chunks);
    }
}
