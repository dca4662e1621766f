namespace NativeDsp.Tests.References;

/// <summary>Embedding gather and scatter-add, in double.</summary>
public static class EmbeddingReference
{
    public static double[] Forward(double[] table, int[] ids, int count, int dim)
    {
        var y = new double[count * dim];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < dim; c++) y[i * dim + c] = table[ids[i] * dim + c];
        return y;
    }

    public static double[] Backward(double[] dy, int[] ids, double[] dtable, int count, int dim)
    {
        var result = (double[])dtable.Clone();
        for (int i = 0; i < count; i++)
            for (int c = 0; c < dim; c++) result[ids[i] * dim + c] += dy[i * dim + c];
        return result;
    }
}
