namespace NativeDsp.Tests.References;

/// <summary>
/// Label-smoothed cross-entropy with an ignore index, in double, from the definition:
/// loss_r = -(1 - eps) logp[r, t_r] - (eps / C) sum_c logp[r, c], 0 for ignored rows.
/// </summary>
public static class CrossEntropyReference
{
    public static (double[] Loss, double[] Lse) Forward(double[] logits, int[] targets, int rows, int cols, int ignoreIndex, double eps)
    {
        var loss = new double[rows];
        var lse = new double[rows];
        var logp = SoftmaxReference.LogSoftmax(logits, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            lse[r] = SoftmaxReference.LogSumExp(logits, r * cols, cols);
            if (targets[r] == ignoreIndex) continue;
            double all = 0;
            for (int c = 0; c < cols; c++) all += logp[r * cols + c];
            loss[r] = -(1 - eps) * logp[r * cols + targets[r]] - eps / cols * all;
        }
        return (loss, lse);
    }

    /// <summary>dlogits + dloss_r (softmax - (1 - eps) onehot(t_r) - eps / C), ignored rows unchanged.</summary>
    public static double[] Backward(double[] logits, int[] targets, double[] dloss, double[] dlogits, int rows, int cols, int ignoreIndex, double eps)
    {
        var result = (double[])dlogits.Clone();
        var p = SoftmaxReference.Softmax(logits, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] == ignoreIndex) continue;
            for (int c = 0; c < cols; c++)
                result[r * cols + c] += dloss[r] * (p[r * cols + c] - (c == targets[r] ? 1 - eps : 0) - eps / cols);
        }
        return result;
    }
}
