namespace NativeDsp.Kernels;

/// <summary>
/// Which <see cref="Activation"/> values the kernels can compute: those with a row in
/// <see cref="KernelMath.Activate"/> and <see cref="KernelMath.ActivateGrad"/> (the table both backends run).
/// An enum value added without its row is rejected here, loudly, before any kernel runs; it can never
/// fall through to another activation's formula or to a zero gradient.
/// Activations that are compositions of existing ops (SiLU = x * sigmoid(x)) need no row: they are one
/// line in the engine (engine/Ops/Activations.cs) and get their gradient from the tape.
/// </summary>
public static class ActivationTable
{
    // KernelMath answers NaN for a value without a row (kernels cannot throw); every real activation is
    // finite, with a finite derivative, at this point.
    const float Probe = 0.5f;

    /// <summary>True when <paramref name="f"/> is a named enum value with a row in KernelMath's table.</summary>
    public static bool IsDefined(Activation f) =>
        Enum.IsDefined(f) && float.IsFinite(KernelMath.Activate(f, Probe)) && float.IsFinite(KernelMath.ActivateGrad(f, Probe));

    /// <summary>Throws unless <see cref="IsDefined"/>.</summary>
    /// <param name="op">The op asking, for the message.</param>
    /// <param name="f">The activation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="f"/> has no row in KernelMath.Activate / ActivateGrad.</exception>
    public static void Check(string op, Activation f)
    {
        if (!IsDefined(f))
            throw new ArgumentOutOfRangeException(nameof(f), f, $"{op}: activation {f} has no row in KernelMath.Activate / ActivateGrad (add one there, or write it as a composite op in the engine)");
    }
}
