using System.Globalization;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// Marks a property of <see cref="ExperimentConfig"/> as a setting: its one-line help and its range. The
/// command line generates one <c>--name</c> option per setting from these, and
/// <see cref="ExperimentConfig.Validate"/> checks every range, so a setting is declared in one place.
/// Numbers must also be finite. Bounds are inclusive unless <see cref="MinExclusive"/>/<see cref="MaxExclusive"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string help) : Attribute
{
    /// <summary>One line for <c>--help</c>.</summary>
    public string Help { get; } = help;

    public double Min { get; set; } = double.NegativeInfinity;
    public double Max { get; set; } = double.PositiveInfinity;
    public bool MinExclusive { get; set; }
    public bool MaxExclusive { get; set; }

    /// <summary>Null if <paramref name="value"/> is in range, else what the range is ("must be in [0, 1)").</summary>
    public string? Check(double value)
    {
        bool ok = double.IsFinite(value)
                  && (MinExclusive ? value > Min : value >= Min)
                  && (MaxExclusive ? value < Max : value <= Max);
        return ok ? null : "must be " + RangeText();
    }

    /// <summary>"in [0, 1)", ">= 1", "> 0", "a finite number".</summary>
    public string RangeText()
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        bool hasMin = !double.IsNegativeInfinity(Min), hasMax = !double.IsPositiveInfinity(Max);
        return (hasMin, hasMax) switch
        {
            (true, true) => $"in {(MinExclusive ? "(" : "[")}{F(Min)}, {F(Max)}{(MaxExclusive ? ")" : "]")}",
            (true, false) => $"{(MinExclusive ? ">" : ">=")} {F(Min)}",
            (false, true) => $"{(MaxExclusive ? "<" : "<=")} {F(Max)}",
            _ => "a finite number",
        };
    }
}
