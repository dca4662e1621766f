using NativeDsp.Kernels;

namespace NativeDsp.Tests.References;

/// <summary>Broadcast binary ops, their adjoint, scale-shift, axpy and row sums, in double.</summary>
public static class ElementwiseReference
{
    public static double[] Binary(BinaryOp op, double[] a, double[] b, int n, int period, int inner)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double bv = b[(i / inner) % period];
            y[i] = op switch
            {
                BinaryOp.Add => a[i] + bv,
                BinaryOp.Sub => a[i] - bv,
                BinaryOp.Mul => a[i] * bv,
                BinaryOp.Div => a[i] / bv,
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
        }
        return y;
    }

    /// <summary>db (+)= sum over i with (i / inner) % period == j of x[i] * x2[i].</summary>
    public static double[] ReduceBroadcast(double[] x, double[]? x2, double[] db, int n, int period, int inner, bool accumulate)
    {
        var result = accumulate ? (double[])db.Clone() : new double[db.Length];
        if (!accumulate) Array.Copy(db, period, result, period, db.Length - period);
        for (int i = 0; i < n; i++) result[(i / inner) % period] += x[i] * (x2 is null ? 1 : x2[i]);
        return result;
    }

    public static double[] ReduceRows(double[] x, int rows, int cols, double scale)
    {
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++) s += x[r * cols + c];
            y[r] = scale * s;
        }
        return y;
    }
}
