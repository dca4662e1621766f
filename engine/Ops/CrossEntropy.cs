using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>How <see cref="Ops.CrossEntropy"/> reduces the per-row losses.</summary>
public enum Reduction
{
    /// <summary>The mean over the rows whose target is not the ignore index (0 when there are none).</summary>
    Mean,
    /// <summary>The sum over the rows whose target is not the ignore index.</summary>
    Sum,
    /// <summary>One loss per row, shape of the targets (ignored rows are 0).</summary>
    None,
}

public static partial class Ops
{
    /// <summary>
    /// Fused log-softmax + cross-entropy over the last axis of <paramref name="logits"/> [..., C] against
    /// class ids <paramref name="targets"/> [...], with label smoothing eps (the target gets 1 - eps + eps/C,
    /// every class eps/C) and rows whose target is <paramref name="ignoreIndex"/> left out (e.g. padding).
    /// </summary>
    /// <exception cref="ShapeException">targets does not hold one id per row of logits.</exception>
    /// <exception cref="ArgumentOutOfRangeException">smoothing is outside [0, 1], or a target (other than the ignore index) is outside [0, C).</exception>
    public static Tensor CrossEntropy(Tensor logits, IntTensor targets, int ignoreIndex = -100, float smoothing = 0f,
                                      Reduction reduction = Reduction.Mean)
    {
        const string op = "cross_entropy";
        RankAtLeast(op, logits, 1);
        int rows = logits.Shape.Rows, cols = logits.Shape.Last;
        if (targets.Count != rows)
            throw new ShapeException(op, logits.Shape, targets.Shape, $"one target per row: {targets.Count} targets for {rows} rows of {cols} classes");
        if (!(smoothing >= 0f && smoothing <= 1f)) throw new ArgumentOutOfRangeException(nameof(smoothing), $"{op}: label smoothing must be in [0, 1], got {smoothing}");

        // The targets are read back once: to check them (a bad class id would read out of bounds in a
        // kernel) and to count the rows that the mean runs over.
        int valid = 0;
        foreach (int t in targets.ToArray())
        {
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= cols) throw new ArgumentOutOfRangeException(nameof(targets), $"{op}: target {t} is outside [0, {cols}) for logits {logits.Shape} (ignore index {ignoreIndex})");
            valid++;
        }

        var k = K(logits);
        var rowLoss = NewOutput(logits, logits.Shape.DropLast());
        var lse = NewOutput(logits, new Shape(rows));
        k.CrossEntropyForward(logits.Buffer, targets.Buffer, rowLoss.Buffer, lse.Buffer, rows, cols, ignoreIndex, smoothing);
        if (reduction == Reduction.None)
        {
            logits.Device.Tape.Record(op, rowLoss, [logits], () =>
                k.CrossEntropyBackward(logits.Buffer, targets.Buffer, lse.Buffer, Dy(rowLoss), G(logits), rows, cols, ignoreIndex, smoothing));
            return rowLoss;
        }

        float scale = reduction == Reduction.Sum ? 1f : valid == 0 ? 0f : 1f / valid;
        var loss = NewOutput(logits, Shape.Scalar);
        k.ReduceRows(rowLoss.Buffer, loss.Buffer, 1, rows, scale);
        logits.Device.Tape.Record(op, loss, [logits], () =>
        {
            // Every row's loss has weight scale * dy; spread that scalar over a row-sized buffer.
            using var dRow = Scratch(logits, rows); // zero-filled by Allocate
            using var scaled = Scratch(logits, 1);
            k.ScaleShift(Dy(loss), scaled, 1, scale, 0f);
            k.Binary(BinaryOp.Add, dRow, scaled, dRow, rows, 1, 1);
            k.CrossEntropyBackward(logits.Buffer, targets.Buffer, lse.Buffer, dRow, G(logits), rows, cols, ignoreIndex, smoothing);
        });
        return loss;
    }
}
