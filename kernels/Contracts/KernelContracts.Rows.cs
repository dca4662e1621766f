using static NativeDsp.Kernels.ContractChecks;

namespace NativeDsp.Kernels;

// The contracts of the row-wise ops (softmax family, cross-entropy, layer norm) and of the embedding.
public static partial class KernelContracts
{
    /// <summary>Contract of <see cref="IKernels.SoftmaxForward"/> and <see cref="IKernels.LogSoftmaxForward"/> (y may alias x).</summary>
    /// <param name="op">Which of the two (nameof).</param>
    /// <param name="x">Input [rows, cols].</param>
    /// <param name="y">Output [rows, cols].</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns (the softmax axis).</param>
    /// <exception cref="ArgumentException">A negative size or a buffer shorter than rows x cols.</exception>
    public static void SoftmaxRows(string op, DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols)
    {
        NonNegative(op, "rows, cols", rows, cols);
        int n = Product(op, rows, cols);
        Length(op, "x", x, n, $"rows {rows} x cols {cols}");
        Length(op, "y", y, n, $"rows {rows} x cols {cols}");
    }

    /// <summary>Contract of <see cref="IKernels.SoftmaxBackward"/> and <see cref="IKernels.LogSoftmaxBackward"/>.</summary>
    /// <param name="op">Which of the two (nameof).</param>
    /// <param name="y">The forward output [rows, cols].</param>
    /// <param name="dy">Its gradient [rows, cols].</param>
    /// <param name="dx">The input gradient [rows, cols], added into; must not alias y or dy.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <exception cref="ArgumentException">A negative size, a buffer too short, or dx aliasing y or dy.</exception>
    public static void SoftmaxRowsBackward(string op, DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols)
    {
        NonNegative(op, "rows, cols", rows, cols);
        int n = Product(op, rows, cols);
        Length(op, "y", y, n, $"rows {rows} x cols {cols}");
        Length(op, "dy", dy, n, $"rows {rows} x cols {cols}");
        Length(op, "dx", dx, n, $"rows {rows} x cols {cols}");
        Distinct(op, dx, y, "dx must not alias y or dy");
        Distinct(op, dx, dy, "dx must not alias y or dy");
    }

    /// <summary>Contract of <see cref="IKernels.CrossEntropyForward"/>. The targets' values are not read (see the class summary).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size or smoothing outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Rows of 0 classes, or a buffer too short.</exception>
    public static void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss,
                                           DeviceBuffer<float> lse, int rows, int cols, float smoothing)
    {
        const string op = nameof(IKernels.CrossEntropyForward);
        CrossEntropyInputs(op, logits, targets, rows, cols, smoothing);
        Length(op, "loss", loss, rows, $"rows {rows}");
        Length(op, "lse", lse, rows, $"rows {rows}");
    }

    /// <summary>Contract of <see cref="IKernels.CrossEntropyBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size or smoothing outside [0, 1].</exception>
    /// <exception cref="ArgumentException">Rows of 0 classes, a buffer too short, or dlogits aliasing logits.</exception>
    public static void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse,
                                            DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits, int rows, int cols, float smoothing)
    {
        const string op = nameof(IKernels.CrossEntropyBackward);
        CrossEntropyInputs(op, logits, targets, rows, cols, smoothing);
        Length(op, "lse", lse, rows, $"rows {rows}");
        Length(op, "dloss", dloss, rows, $"rows {rows}");
        Length(op, "dlogits", dlogits, (long)rows * cols, $"rows {rows} x cols {cols}");
        Distinct(op, dlogits, logits, "dlogits must not alias logits");
    }

    static void CrossEntropyInputs(string op, DeviceBuffer<float> logits, DeviceBuffer<int> targets, int rows, int cols, float smoothing)
    {
        NonNegative(op, "rows, cols", rows, cols);
        Require(rows == 0 || cols >= 1, op, $"{rows} rows of 0 classes");
        if (!(smoothing >= 0f && smoothing <= 1f))
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"{op}: label smoothing {smoothing} must be in [0, 1]");
        Length(op, "logits", logits, Product(op, rows, cols), $"rows {rows} x cols {cols}");
        Length(op, "targets", targets, rows, $"rows {rows}");
    }

    /// <summary>Contract of <see cref="IKernels.LayerNormForward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size, or eps &lt; 0 or NaN.</exception>
    /// <exception cref="ArgumentException">Rows of 0 columns or a buffer too short.</exception>
    public static void LayerNormForward(DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta, DeviceBuffer<float> y,
                                        DeviceBuffer<float> mean, DeviceBuffer<float> rstd, int rows, int cols, float eps)
    {
        const string op = nameof(IKernels.LayerNormForward);
        if (!(eps >= 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{op}: eps {eps} must be >= 0");
        LayerNormShared(op, x, gamma, mean, rstd, rows, cols);
        Length(op, "beta", beta, cols, $"cols {cols}");
        Length(op, "y", y, (long)rows * cols, $"rows {rows} x cols {cols}");
    }

    /// <summary>Contract of <see cref="IKernels.LayerNormBackward"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size.</exception>
    /// <exception cref="ArgumentException">Rows of 0 columns, a buffer too short, dx aliasing dy or x, or dgamma aliasing dbeta.</exception>
    public static void LayerNormBackward(DeviceBuffer<float> dy, DeviceBuffer<float> x, DeviceBuffer<float> gamma,
                                         DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                                         DeviceBuffer<float> dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta, int rows, int cols)
    {
        const string op = nameof(IKernels.LayerNormBackward);
        LayerNormShared(op, x, gamma, mean, rstd, rows, cols);
        Length(op, "dy", dy, (long)rows * cols, $"rows {rows} x cols {cols}");
        Length(op, "dx", dx, (long)rows * cols, $"rows {rows} x cols {cols}");
        Length(op, "dgamma", dgamma, cols, $"cols {cols}");
        Length(op, "dbeta", dbeta, cols, $"cols {cols}");
        Distinct(op, dx, dy, "dx must not alias dy or x");
        Distinct(op, dx, x, "dx must not alias dy or x");
        Distinct(op, dgamma, dbeta, "dgamma and dbeta must be different buffers");
    }

    static void LayerNormShared(string op, DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> mean, DeviceBuffer<float> rstd, int rows, int cols)
    {
        NonNegative(op, "rows, cols", rows, cols);
        Require(rows == 0 || cols >= 1, op, $"{rows} rows of 0 columns");
        Length(op, "x", x, Product(op, rows, cols), $"rows {rows} x cols {cols}");
        Length(op, "gamma", gamma, cols, $"cols {cols}");
        Length(op, "mean", mean, rows, $"rows {rows}");
        Length(op, "rstd", rstd, rows, $"rows {rows}");
    }

    /// <summary>Contract of <see cref="IKernels.EmbeddingForward"/>. The ids' values are not read (see the class summary).</summary>
    /// <returns>count x dim, the elements of y.</returns>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 0 or dim &lt; 1.</exception>
    /// <exception cref="ArgumentException">A buffer too short, or y aliasing the table.</exception>
    public static int EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim)
    {
        const string op = nameof(IKernels.EmbeddingForward);
        int n = EmbeddingShared(op, table, ids, count, dim);
        Length(op, "y", y, n, $"count {count} x dim {dim}");
        Distinct(op, table, y, "y must not alias the table");
        return n;
    }

    /// <summary>Contract of <see cref="IKernels.EmbeddingBackward"/>.</summary>
    /// <returns>count x dim, the elements of dy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">count &lt; 0 or dim &lt; 1.</exception>
    /// <exception cref="ArgumentException">A buffer too short, or dy aliasing dtable.</exception>
    public static int EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim)
    {
        const string op = nameof(IKernels.EmbeddingBackward);
        int n = EmbeddingShared(op, dtable, ids, count, dim);
        Length(op, "dy", dy, n, $"count {count} x dim {dim}");
        Distinct(op, dtable, dy, "dy must not alias dtable");
        return n;
    }

    static int EmbeddingShared(string op, DeviceBuffer<float> table, DeviceBuffer<int> ids, int count, int dim)
    {
        NonNegative(op, "count", count);
        Positive(op, "dim", dim);
        ArgumentNullException.ThrowIfNull(table);
        int n = Product(op, count, dim);
        Length(op, "ids", ids, count, $"count {count}");
        return n;
    }
}
