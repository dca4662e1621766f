namespace NativeDsp.Tests.References;

/// <summary>Row softmax and log-softmax and their backward passes, in double.</summary>
public static class SoftmaxReference
{
    public static double[] Softmax(double[] x, int rows, int cols)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double lse = LogSumExp(x, r * cols, cols);
            for (int c = 0; c < cols; c++) y[r * cols + c] = Math.Exp(x[r * cols + c] - lse);
        }
        return y;
    }

    public static double[] LogSoftmax(double[] x, int rows, int cols)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double lse = LogSumExp(x, r * cols, cols);
            for (int c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] - lse;
        }
        return y;
    }

    /// <summary>dx + y * (dy - sum_c dy y), y the softmax output.</summary>
    public static double[] SoftmaxBackward(double[] y, double[] dy, double[] dx, int rows, int cols)
    {
        var result = (double[])dx.Clone();
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int c = 0; c < cols; c++) dot += dy[r * cols + c] * y[r * cols + c];
            for (int c = 0; c < cols; c++) result[r * cols + c] += y[r * cols + c] * (dy[r * cols + c] - dot);
        }
        return result;
    }

    /// <summary>dx + dy - exp(y) sum_c dy, y the log-softmax output.</summary>
    public static double[] LogSoftmaxBackward(double[] y, double[] dy, double[] dx, int rows, int cols)
    {
        var result = (double[])dx.Clone();
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += dy[r * cols + c];
            for (int c = 0; c < cols; c++) result[r * cols + c] += dy[r * cols + c] - Math.Exp(y[r * cols + c]) * sum;
        }
        return result;
    }

    /// <summary>log sum_c exp(x[at + c]), max-shifted.</summary>
    public static double LogSumExp(double[] x, int at, int cols)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < cols; c++) max = Math.Max(max, x[at + c]);
        double sum = 0;
        for (int c = 0; c < cols; c++) sum += Math.Exp(x[at + c] - max);
        return max + Math.Log(sum);
    }
}
