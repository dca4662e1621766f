namespace NativeDsp.Model.Training;

/// <summary>
/// Tracks the best evaluation metric and stops after <see cref="Patience"/> evaluations in a row without
/// an improvement of more than <see cref="MinDelta"/> (0 patience = never stop). A NaN metric never counts
/// as an improvement.
/// </summary>
public sealed class EarlyStopping(int patience, bool higherIsBetter, double minDelta = 0)
{
    /// <summary>Evaluations without improvement that stop the run (0 = never).</summary>
    /// <exception cref="ArgumentOutOfRangeException">At construction: patience or minDelta is negative.</exception>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "early stopping: patience must be >= 0");
    /// <summary>True for accuracy or BLEU, false for a loss.</summary>
    public bool HigherIsBetter { get; } = higherIsBetter;
    /// <summary>The margin by which a metric must beat the best to count as an improvement.</summary>
    public double MinDelta { get; } = minDelta >= 0 ? minDelta : throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "early stopping: min delta must be >= 0");

    /// <summary>The best metric so far (null before any evaluation).</summary>
    public double? Best { get; private set; }
    /// <summary>The step of <see cref="Best"/>.</summary>
    public long BestStep { get; private set; }
    /// <summary>Evaluations in a row since the last improvement.</summary>
    public int EvaluationsWithoutImprovement { get; private set; }

    /// <summary>True once Patience evaluations in a row brought no improvement.</summary>
    public bool ShouldStop => Patience > 0 && EvaluationsWithoutImprovement >= Patience;

    /// <summary>Records an evaluation; true when it is a new best.</summary>
    public bool Report(double metric, long step)
    {
        bool improved = !double.IsNaN(metric) && (Best is not double best || (HigherIsBetter ? metric > best + MinDelta : metric < best - MinDelta));
        if (improved)
        {
            Best = metric;
            BestStep = step;
            EvaluationsWithoutImprovement = 0;
        }
        else
        {
            EvaluationsWithoutImprovement++;
        }
        return improved;
    }

    /// <summary>Restores a checkpointed state.</summary>
    public void Restore(double? best, long bestStep, int evaluationsWithoutImprovement)
    {
        Best = best;
        BestStep = bestStep;
        EvaluationsWithoutImprovement = evaluationsWithoutImprovement;
    }
}
