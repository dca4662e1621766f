using NativeDsp.Kernels;

namespace NativeDsp.Tests.References;

/// <summary>
/// Gated multi-head attention in double precision with plain loops, written straight from the math of
/// <see cref="IKernels.AttentionForward"/> / <see cref="IKernels.AttentionBackward"/> (P kept explicitly,
/// nothing recomputed, no streaming): the yardstick for both kernels. mask and gate may be null.
/// </summary>
public static class AttentionReference
{
    /// <summary>Whether query i of batch b may see key j.</summary>
    public static bool Visible(AttentionShape s, double[]? mask, int b, int i, int j) =>
        (mask is null || mask[b * s.KeyLength + j] != 0) && (!s.Causal || j <= i + s.CausalOffset);

    /// <summary>The probability row P_i of (b, h, i) and its logsumexp (-inf and zeros when nothing is visible).</summary>
    public static (double[] P, double Lse) Row(double[] q, double[] k, double[]? mask, AttentionShape s, int b, int h, int i)
    {
        int D = s.HeadDim, Tk = s.KeyLength;
        var p = new double[Tk];
        long qi = (((long)b * s.Heads + h) * s.QueryLength + i) * D;
        double max = double.NegativeInfinity;
        var scores = new double[Tk];
        for (int j = 0; j < Tk; j++)
        {
            if (!Visible(s, mask, b, i, j)) { scores[j] = double.NegativeInfinity; continue; }
            long kj = (((long)b * s.Heads + h) * Tk + j) * D;
            double dot = 0;
            for (int d = 0; d < D; d++) dot += q[qi + d] * k[kj + d];
            scores[j] = s.Scale * dot;
            max = Math.Max(max, scores[j]);
        }
        if (double.IsNegativeInfinity(max)) return (p, double.NegativeInfinity);
        double sum = 0;
        for (int j = 0; j < Tk; j++) sum += p[j] = Math.Exp(scores[j] - max);
        for (int j = 0; j < Tk; j++) p[j] /= sum;
        return (p, max + Math.Log(sum));
    }

    public static (double[] O, double[] Lse) Forward(double[] q, double[] k, double[] v, double[]? mask, double[]? gate, AttentionShape s)
    {
        int D = s.HeadDim;
        var o = new double[s.QueryElements];
        var lse = new double[s.RowCount];
        for (int b = 0; b < s.Batch; b++)
        for (int h = 0; h < s.Heads; h++)
        for (int i = 0; i < s.QueryLength; i++)
        {
            var (p, l) = Row(q, k, mask, s, b, h, i);
            int row = (b * s.Heads + h) * s.QueryLength + i;
            lse[row] = l;
            double g = gate?[h] ?? 1.0;
            for (int j = 0; j < s.KeyLength; j++)
            {
                long vj = (((long)b * s.Heads + h) * s.KeyLength + j) * D;
                for (int d = 0; d < D; d++) o[(long)row * D + d] += g * p[j] * v[vj + d];
            }
        }
        return (o, lse);
    }

    /// <summary>The gradients of sum(O * dO) with respect to q, k, v and gate (dGate zero when gate is null).</summary>
    public static (double[] DQ, double[] DK, double[] DV, double[] DGate) Backward(
        double[] q, double[] k, double[] v, double[]? mask, double[]? gate, double[] dO, AttentionShape s)
    {
        int D = s.HeadDim, Tk = s.KeyLength;
        var dq = new double[s.QueryElements];
        var dk = new double[s.KeyElements];
        var dv = new double[s.KeyElements];
        var dg = new double[s.Heads];
        for (int b = 0; b < s.Batch; b++)
        for (int h = 0; h < s.Heads; h++)
        for (int i = 0; i < s.QueryLength; i++)
        {
            var (p, _) = Row(q, k, mask, s, b, h, i);
            long qi = (((long)b * s.Heads + h) * s.QueryLength + i) * D;
            double g = gate?[h] ?? 1.0;
            var dOv = new double[Tk]; // dO_i . V_j
            for (int j = 0; j < Tk; j++)
            {
                long vj = (((long)b * s.Heads + h) * Tk + j) * D;
                for (int d = 0; d < D; d++) dOv[j] += dO[qi + d] * v[vj + d];
            }
            double rowsum = 0; // sum_j dP_ij P_ij with dP = g dO V^T
            for (int j = 0; j < Tk; j++) rowsum += g * dOv[j] * p[j];
            for (int j = 0; j < Tk; j++)
            {
                long kj = (((long)b * s.Heads + h) * Tk + j) * D;
                double dS = p[j] * (g * dOv[j] - rowsum);
                for (int d = 0; d < D; d++)
                {
                    dv[kj + d] += g * p[j] * dO[qi + d];
                    dq[qi + d] += s.Scale * dS * k[kj + d];
                    dk[kj + d] += s.Scale * dS * q[qi + d];
                }
                if (gate is not null) dg[h] += p[j] * dOv[j];
            }
        }
        return (dq, dk, dv, dg);
    }
}
