using BenchmarkDotNet.Attributes;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Host;

namespace NativeDsp.Bench;

/// <summary>
/// Gated multi-head attention, forward + backward, on the Host kernels: the fused kernel
/// (<see cref="IKernels.AttentionForward"/> / <see cref="IKernels.AttentionBackward"/>) against the same
/// math composed from the primitives (batched MatMul, Binary for the causal mask and the gate, row
/// softmax forward/backward, ReduceBroadcast for dGate), which materialises the [B,H,T,T] scores,
/// probabilities and their gradients. B = 32, H = 4, D = 64 (the shapes).
/// Run: <c>dotnet run -c Release --project bench -- --filter '*AttentionBenchmarks*'</c>
/// </summary>
[ShortRunJob]
public class AttentionBenchmarks
{
    const int B = 32, H = 4, D = 64;

    [Params(64, 256)] public int T;

    /// <summary>Causal adds a [T,T] -inf mask in the composition; the fused kernel skips the masked keys.</summary>
    [Params(false, true)] public bool Causal;

    readonly HostKernels k = new();
    DeviceBuffer<float> q = null!, key = null!, v = null!, gate = null!, o = null!, lse = null!, dO = null!;
    DeviceBuffer<float> dQ = null!, dK = null!, dV = null!, dGate = null!;
    DeviceBuffer<float> scores = null!, probs = null!, gated = null!, dGated = null!, dScores = null!, causalMask = null!;
    AttentionShape shape;

    [GlobalSetup]
    public void Setup()
    {
        shape = AttentionShape.Create(B, H, T, T, D, Causal);
        var rng = new Random(1);
        DeviceBuffer<float> Rand(int n)
        {
            var b = k.Allocate(n);
            b.CopyFrom(Enumerable.Range(0, n).Select(_ => (float)(2 * rng.NextDouble() - 1)).ToArray());
            return b;
        }
        (q, key, v, dO) = (Rand(shape.QueryElements), Rand(shape.KeyElements), Rand(shape.KeyElements), Rand(shape.QueryElements));
        gate = k.Allocate(H);
        gate.CopyFrom([1f, 0.5f, 0.25f, 0.9f]);
        (o, lse) = (k.Allocate(shape.QueryElements), k.Allocate(shape.RowCount));
        (dQ, dK, dV, dGate) = (k.Allocate(shape.QueryElements), k.Allocate(shape.KeyElements), k.Allocate(shape.KeyElements), k.Allocate(H));
        int big = B * H * T * T;
        (scores, probs, gated, dGated, dScores) = (k.Allocate(big), k.Allocate(big), k.Allocate(big), k.Allocate(big), k.Allocate(big));
        causalMask = k.Allocate(T * T);
        var m = new float[T * T];
        for (int i = 0; i < T; i++)
            for (int j = i + 1; j < T; j++) m[i * T + j] = float.NegativeInfinity;
        causalMask.CopyFrom(m);
        CheckAgreement();
    }

    /// <summary>Both versions must compute the same thing, or the comparison means nothing.</summary>
    void CheckAgreement()
    {
        Composed();
        var (oc, dqc, dgc) = (o.ToArray(), dQ.ToArray(), dGate.ToArray());
        Fused();
        var (of, dqf, dgf) = (o.ToArray(), dQ.ToArray(), dGate.ToArray());
        // dQ, dGate accumulate: after two rounds they hold composed + fused, so compare fused = total - composed.
        double MaxDiff(float[] a, float[] b, float[]? total = null) =>
            a.Select((x, i) => (double)Math.Abs((total is null ? x : total[i] - x) - b[i])).Max();
        double err = Math.Max(MaxDiff(oc, of), Math.Max(MaxDiff(dqc, dqc, dqf), MaxDiff(dgc, dgc, dgf) / (B * T)));
        if (!(err < 1e-3)) throw new InvalidOperationException($"fused and composed attention disagree by {err}");
    }

    [Benchmark]
    public void Fused()
    {
        k.AttentionForward(q, key, v, null, gate, o, lse, shape);
        k.AttentionBackward(q, key, v, null, gate, o, lse, dO, dQ, dK, dV, dGate, shape);
    }

    [Benchmark(Baseline = true)]
    public void Composed()
    {
        int bh = B * H, n = bh * T * T, rows = bh * T;
        long tt = (long)T * T, td = (long)T * D;
        // Forward: S = scale Q K^T (+ causal mask), P = softmax(S), G = g_h P, O = G V.
        k.MatMul(q, key, scores, bh, T, T, D, false, true, td, td, tt, shape.Scale);
        if (Causal) k.Binary(BinaryOp.Add, scores, causalMask, scores, n, T * T, 1);
        k.SoftmaxForward(scores, probs, rows, T);
        k.Binary(BinaryOp.Mul, probs, gate, gated, n, H, T * T);
        k.MatMul(gated, v, o, bh, T, D, T, false, false, tt, td, td);
        // Backward: dV += G^T dO; dG = dO V^T; dGate += sum dG * P; dP = g_h dG; dS = softmax'(dP);
        // dQ += scale dS K; dK += scale dS^T Q.
        k.MatMul(gated, dO, dV, bh, T, D, T, true, false, tt, td, td, 1f, 1f);
        k.MatMul(dO, v, dGated, bh, T, T, D, false, true, td, td, tt);
        k.ReduceBroadcast(dGated, probs, dGate, n, H, T * T, accumulate: true);
        k.Binary(BinaryOp.Mul, dGated, gate, dGated, n, H, T * T);
        k.Fill(dScores, 0f, 0, n);
        k.SoftmaxBackward(probs, dGated, dScores, rows, T);
        k.MatMul(dScores, key, dQ, bh, T, D, T, false, false, tt, td, td, shape.Scale, 1f);
        k.MatMul(dScores, q, dK, bh, T, D, T, true, false, tt, td, td, shape.Scale, 1f);
    }
}
