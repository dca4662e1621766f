namespace NativeDsp.Tests.References;

/// <summary>Strided block copies and the axis-1/2 swap as index loops (elements outside the block keep their values).</summary>
public static class CopiesReference
{
    public static double[] Copy2D(double[] src, int srcOffset, int srcStride, double[] dst, int dstOffset, int dstStride,
                                  int rows, int cols, bool accumulate)
    {
        var result = (double[])dst.Clone();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = src[srcOffset + r * srcStride + c];
                int at = dstOffset + r * dstStride + c;
                result[at] = accumulate ? result[at] + v : v;
            }
        return result;
    }

    /// <summary>y[a, j, i, e] (+)= x[a, i, j, e] for x of shape [d0, d1, d2, d3].</summary>
    public static double[] SwapAxes12(double[] x, double[] y, int d0, int d1, int d2, int d3, bool accumulate)
    {
        var result = (double[])y.Clone();
        for (int a = 0; a < d0; a++)
            for (int i = 0; i < d1; i++)
                for (int j = 0; j < d2; j++)
                    for (int e = 0; e < d3; e++)
                    {
                        double v = x[((a * d1 + i) * d2 + j) * d3 + e];
                        int at = ((a * d2 + j) * d1 + i) * d3 + e;
                        result[at] = accumulate ? result[at] + v : v;
                    }
        return result;
    }
}
