using System.CommandLine;
using System.Globalization;
using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Experiments.Commands;

/// <summary>
/// The unit-run options of nli and sweep (issue 20): --units (the kinds of unit pruned), a budget in parameters
/// (--keep-params N or --keep-params-fraction F of what the prunable units hold) instead of --heads K, and the
/// one-line usage errors for combinations that cannot run.
/// </summary>
public static class UnitOptions
{
    /// <summary>A unit set option ("heads", "heads,neurons", "heads+blocks"); absent = null.</summary>
    public static Option<UnitKinds?> Units(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "heads|neurons|blocks|attention-blocks|ffn-blocks[,...]",
        CustomParser = r =>
        {
            try
            {
                return UnitKindsText.Parse(string.Join(",", r.Tokens.Select(t => t.Value)));
            }
            catch (ArgumentException e)
            {
                r.AddError($"{name}: {e.Message}");
                return null;
            }
        },
    };

    /// <summary>--keep-params N: parameters of the prunable units kept.</summary>
    public static Option<long?> KeepParams() => new("--keep-params")
    {
        Description = "budget: parameters of the prunable units kept (instead of --heads K); each kind keeps the same share of its parameters",
        HelpName = "N",
        CustomParser = r =>
        {
            string text = r.Tokens[^1].Value;
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= 1) return v;
            r.AddError($"--keep-params '{text}': expected an integer >= 1");
            return null;
        },
    };

    /// <summary>--keep-params-fraction F: the share in (0, 1] of the prunable units' parameters kept.</summary>
    public static Option<double?> KeepFraction() => new("--keep-params-fraction")
    {
        Description = "budget: the share in (0, 1] of the prunable units' parameters kept (instead of --heads K)",
        HelpName = "F",
        CustomParser = r => FractionOf(r.Tokens[^1].Value, "--keep-params-fraction", r.AddError),
    };

    /// <summary>A fraction in (0, 1], or null after reporting the error.</summary>
    public static double? FractionOf(string text, string option, Action<string> error)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 && f <= 1) return f;
        error($"{option} '{text}': expected a number in (0, 1]");
        return null;
    }

    /// <summary>The parameter budget of the two options (at most one given), or null.</summary>
    /// <exception cref="UsageException">Both are given.</exception>
    public static ParameterBudget? Budget(long? keepParams, double? fraction)
    {
        if (keepParams is not null && fraction is not null) throw new UsageException("--keep-params and --keep-params-fraction: give one budget");
        return keepParams is long n ? new ParameterBudget(n, false) : fraction is double f ? new ParameterBudget(f, true) : null;
    }

    /// <summary>
    /// Refuses the combinations that cannot run, each with one line naming the option. An option a method or task cannot
    /// honour is refused even when it would change nothing (<c>--units heads</c> with michel, none or mt): a run never
    /// drops what it was told.
    /// </summary>
    /// <param name="method">The method.</param>
    /// <param name="units">The unit kinds (heads when --units was not given).</param>
    /// <param name="unitsGiven">Whether --units was given on the command line.</param>
    /// <param name="budget">The parameter budget, or null.</param>
    /// <param name="heads">--heads K, or null.</param>
    /// <param name="perLayer">--per-layer.</param>
    /// <param name="task">"nli" or "mt".</param>
    /// <exception cref="UsageException">A bad combination.</exception>
    public static void Check(PruningMethod method, UnitKinds units, bool unitsGiven, ParameterBudget? budget, int? heads, bool perLayer, string task)
    {
        string? given = unitsGiven ? "--units" : budget is null ? null : budget.Fraction ? "--keep-params-fraction" : "--keep-params";
        if (method == PruningMethod.None)
        {
            if (given is not null) throw new UsageException($"{given}: --method none keeps every unit; {given} is for --method {UnitMethodsText(given)}");
            return;
        }
        if (budget is not null && heads is int k) throw new UsageException($"--heads {k} and a parameter budget: give one budget");
        if (task == "mt" && (given is not null || PrunerFactory.IsUnitMethod(method)))
            throw new UsageException($"{given ?? $"--method {EnumText.Of(method)}"}: unit pruning (--units, --keep-params, gradrank, smp, mlpruning, snip) is nli only: the mt model prunes heads only");
        if (method == PruningMethod.Michel && given is not null)
            throw new UsageException($"{given}: --method michel runs with --heads K only; {given} is for --method {UnitMethodsText(given)}");
        if (!PrunerFactory.Supports(method, units))
            throw new UsageException($"--units {UnitKindsText.Of(units)}: --method {EnumText.Of(method)} does not prune {UnitKindsText.Of(units)} (--units is for {UnitMethodsText("--units")})");
        if (units != UnitKinds.Heads && budget is null)
            throw new UsageException($"--units {UnitKindsText.Of(units)}: give the budget in parameters (--keep-params N or --keep-params-fraction F); --heads K counts heads only");
        if (perLayer && budget is not null) throw new UsageException("--per-layer splits --heads K over the modules; a parameter budget is split per kind");
    }

    /// <summary>
    /// The methods that take <paramref name="option"/>, from <see cref="PrunerFactory.Supports"/>: for --units each with
    /// the kinds it prunes ("dsp, gradrank, smp (heads, neurons, attention-blocks, ffn-blocks); mlpruning (heads, neurons); ...");
    /// for a parameter budget every method that runs as a unit run.
    /// </summary>
    public static string UnitMethodsText(string option)
    {
        var methods = Enum.GetValues<PruningMethod>().Where(m => m is not (PruningMethod.None or PruningMethod.Michel)).ToList();
        if (option != "--units") return string.Join(", ", methods.Select(EnumText.Of));
        UnitKind[] kinds = [UnitKind.Head, UnitKind.Neuron, UnitKind.AttentionBlock, UnitKind.FfnBlock];
        return string.Join("; ", methods
            .GroupBy(m => string.Join(", ", kinds.Where(k => PrunerFactory.Supports(m, k.AsSet())).Select(k => UnitKindsText.Of(k.AsSet()))))
            .Select(g => $"{string.Join(", ", g.Select(EnumText.Of))} ({g.Key})"));
    }
}
