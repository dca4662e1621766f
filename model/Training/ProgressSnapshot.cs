using System.Globalization;

namespace NativeDsp.Model.Training;

/// <summary>The state of a run after a step, with the rates measured over recent steps.</summary>
public sealed record ProgressSnapshot(long Step, long TotalSteps, long Epoch, float Loss, double LearningRate, double TokensPerSecond,
                                      double StepsPerSecond, TimeSpan Elapsed, TimeSpan? Eta)
{
    /// <summary>Step / TotalSteps in [0, 1] (1 for a run of 0 steps).</summary>
    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;

    /// <summary>One line: "step 120/1000 (12.0%) | epoch 0 | loss 2.3145 | 12.3k tok/s | lr 4.10e-04 | 0:01:02 elapsed | eta 0:08:10".</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"step {Step}/{TotalSteps} ({100 * Fraction:0.0}%) | epoch {Epoch} | loss {Loss:0.0000} | {FormatRate(TokensPerSecond)} tok/s | lr {LearningRate:0.00e+00} | {FormatTime(Elapsed)} elapsed | eta {(Eta is TimeSpan eta ? FormatTime(eta) : "?")}");

    /// <summary>A rate as "850", "12.3k" or "1.23M".</summary>
    public static string FormatRate(double perSecond) => perSecond switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e6:0.00}M"),
        >= 1e4 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e3:0.0}k"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{perSecond:0}"),
    };

    /// <summary>A duration as "H:MM:SS" (hours unbounded).</summary>
    public static string FormatTime(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"0:{t.Minutes:00}:{t.Seconds:00}");
}
