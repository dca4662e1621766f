using System.Runtime.CompilerServices;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// Copies blocks of A and B into the layouts the micro-kernels stream through (Goto / BLIS packing):
/// <list type="bullet">
/// <item>A block (mc x kc of op(A)) -> micro-panels of mr rows: panel q holds, for each step p, the
///   mr values op(A)[i0 + q*mr + r, p0 + p] consecutively.</item>
/// <item>B block (kc x nc of op(B)) -> micro-panels of nr columns: panel q holds, for each step p, the
///   nr values op(B)[p0 + p, j0 + q*nr + j] consecutively.</item>
/// </list>
/// Transposition is resolved here, so the micro-kernel sees one layout whatever transA/transB say, and
/// rows/columns past the matrix edge are written as zeros, so the micro-kernel always runs a full tile.
/// Packed data is contiguous and re-read many times from cache (each packed A value once per B
/// micro-panel, each packed B value once per A micro-panel), which is what makes the copy pay.
/// </summary>
static unsafe class GemmPacking
{
    /// <summary>Packs rows [i0, i0 + mc) x steps [p0, p0 + kc) of op(A); A is [m, k], or [k, m] when transposed.</summary>
    public static void PackA(float* a, int m, int k, bool transA, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (transA)
            {
                // op(A)[i, p] = A[p, i]: each step's mr values are contiguous in memory.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * m + i0 + ir;
                    float* d = panel + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                // Row by row: contiguous reads, writes strided by mr within an L1-sized panel.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(i0 + ir + r) * k + p0;
                    float* d = panel + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                    for (int p = 0; p < kc; p++) panel[p * mr + r] = 0f;
            }
        }
    }

    /// <summary>
    /// Packs micro-panels [panelStart, panelEnd) of steps [p0, p0 + kc) x columns [j0, j0 + nc) of op(B);
    /// B is [k, n], or [n, k] when transposed. Panel ranges let several threads share one block.
    /// </summary>
    public static void PackB(float* b, int k, int n, bool transB, int p0, int kc, int j0, int nc, int nr,
                             float* dst, int panelStart, int panelEnd)
    {
        for (int q = panelStart; q < panelEnd; q++)
        {
            int jr = q * nr;
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (!transB)
            {
                // op(B)[p, j] = B[p, j]: a step's nr values are one contiguous run of a row of B.
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(p0 + p) * n + j0 + jr;
                    float* d = panel + p * nr;
                    if (cols == nr)
                        Unsafe.CopyBlockUnaligned(d, src, (uint)(nr * sizeof(float)));
                    else
                    {
                        int j = 0;
                        for (; j < cols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // op(B)[p, j] = B[j, p]: column j of the panel is a contiguous run of row j of B.
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (long)(j0 + jr + j) * k + p0;
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = cols; j < nr; j++)
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = 0f;
            }
        }
    }
}
