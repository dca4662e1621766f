namespace NativeDsp.Model.Pruning;

/// <summary>
/// DSP's geometric temperature annealing: tau_t = exp(log tau0 - (t / T_cool)(log tau0 - log tau_end)) for
/// t &lt;= T_cool, then tau_end (tau0 at step 0, the geometric mean sqrt(tau0 tau_end) at T_cool / 2).
/// </summary>
public sealed record TemperatureSchedule(double Tau0, double TauEnd, long CoolSteps)
{
    /// <summary>The paper's BERT/MNLI setting: tau0 = 1000, tau_end = 1e-8, T_cool = 25000.</summary>
    public static TemperatureSchedule BertMnli => new(1000, 1e-8, 25000);

    /// <summary>The paper's IWSLT setting: tau0 = 0.1, tau_end = 1e-8, T_cool = 15000.</summary>
    public static TemperatureSchedule Iwslt => new(0.1, 1e-8, 15000);

    /// <summary>Checks the schedule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">tau0 or tau_end is not finite and positive, or T_cool is below 1.</exception>
    public void Validate()
    {
        if (!(Tau0 > 0) || !(TauEnd > 0) || double.IsInfinity(Tau0) || double.IsInfinity(TauEnd))
            throw new ArgumentOutOfRangeException(nameof(Tau0), $"temperature schedule: tau0 and tau_end must be finite and > 0, got {Tau0} and {TauEnd}");
        if (CoolSteps < 1) throw new ArgumentOutOfRangeException(nameof(CoolSteps), CoolSteps, "temperature schedule: T_cool must be >= 1 step");
    }

    /// <summary>tau at <paramref name="step"/> (tau_end from T_cool on).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double Tau(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "temperature schedule: the step must be >= 0");
        if (step >= CoolSteps) return TauEnd;
        double logTau0 = Math.Log(Tau0);
        return Math.Exp(logTau0 - (double)step / CoolSteps * (logTau0 - Math.Log(TauEnd)));
    }

    /// <summary>"tau a -> b over N steps".</summary>
    public override string ToString() => $"tau {Tau0:g3} -> {TauEnd:g3} over {CoolSteps} steps";
}
