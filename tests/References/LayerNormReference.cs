namespace NativeDsp.Tests.References;

/// <summary>Layer norm over the last axis with the biased variance, and its backward pass, in double.</summary>
public static class LayerNormReference
{
    public static (double[] Y, double[] Mean, double[] Rstd) Forward(double[] x, double[] gamma, double[] beta, int rows, int cols, double eps)
    {
        var y = new double[rows * cols];
        var mean = new double[rows];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = 0;
            for (int c = 0; c < cols; c++) m += x[r * cols + c];
            m /= cols;
            double v = 0;
            for (int c = 0; c < cols; c++) v += (x[r * cols + c] - m) * (x[r * cols + c] - m);
            v /= cols;
            double rs = 1 / Math.Sqrt(v + eps);
            mean[r] = m;
            rstd[r] = rs;
            for (int c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c] - m) * rs * gamma[c] + beta[c];
        }
        return (y, mean, rstd);
    }

    /// <summary>
    /// Returns dx, dgamma, dbeta with the gradients added to the given ones. With xhat = (x - mean) rstd and
    /// g = dy gamma: dx = rstd (g - mean(g) - xhat mean(g xhat)), dgamma = sum_r dy xhat, dbeta = sum_r dy.
    /// </summary>
    public static (double[] Dx, double[] Dgamma, double[] Dbeta) Backward(double[] dy, double[] x, double[] gamma,
        double[] dx, double[] dgamma, double[] dbeta, int rows, int cols, double eps)
    {
        var (_, mean, rstd) = Forward(x, gamma, new double[cols], rows, cols, eps);
        var rdx = (double[])dx.Clone();
        var rdg = (double[])dgamma.Clone();
        var rdb = (double[])dbeta.Clone();
        for (int r = 0; r < rows; r++)
        {
            double meanG = 0, meanGX = 0;
            for (int c = 0; c < cols; c++)
            {
                double xhat = (x[r * cols + c] - mean[r]) * rstd[r];
                double g = dy[r * cols + c] * gamma[c];
                meanG += g / cols;
                meanGX += g * xhat / cols;
            }
            for (int c = 0; c < cols; c++)
            {
                double xhat = (x[r * cols + c] - mean[r]) * rstd[r];
                double g = dy[r * cols + c] * gamma[c];
                rdx[r * cols + c] += rstd[r] * (g - meanG - xhat * meanGX);
                rdg[c] += dy[r * cols + c] * xhat;
                rdb[c] += dy[r * cols + c];
            }
        }
        return (rdx, rdg, rdb);
    }
}
