namespace NativeDsp.Engine;

/// <summary>
/// Freezes a module until disposed: every parameter's <see cref="Tensor.RequiresGrad"/> is set false (so the
/// tape records no gradient for it and optimizers leave it untouched) and, optionally, every module of the
/// tree is put in evaluation mode. Disposing restores each parameter's and each module's own previous state,
/// not "everything trainable": a parameter that was frozen before the scope stays frozen after it.
/// Obtain one with <see cref="Module.Freeze"/>; scopes nest (inner restores to the outer's frozen state).
/// </summary>
public sealed class FreezeScope : IDisposable
{
    readonly (Parameter Parameter, bool RequiresGrad)[] parameters;
    readonly (Module Module, bool Training)[]? modes;
    bool disposed;

    internal FreezeScope(Module module, bool evaluationMode)
    {
        // Record first, then change: the recorded state is the one from before this scope.
        parameters = module.Parameters().Select(p => (p, p.RequiresGrad)).ToArray();
        modes = evaluationMode ? module.NamedModules().Select(m => (m.Module, m.Module.Training)).ToArray() : null;
        foreach (var (p, _) in parameters) p.RequiresGrad = false;
        if (evaluationMode) module.Eval();
    }

    /// <summary>The parameters this scope froze, with the requires-grad state each had before it.</summary>
    public IReadOnlyList<(Parameter Parameter, bool RequiresGrad)> Recorded => parameters;

    /// <summary>Restores each recorded parameter's requires-grad state (and each module's training mode); idempotent.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // A parameter disposed inside the scope (replaced by physical head pruning) has no state left to restore.
        foreach (var (p, requiresGrad) in parameters)
            if (!p.IsDisposed) p.RequiresGrad = requiresGrad;
        if (modes is not null)
            foreach (var (m, training) in modes) m.SetOwnTrainingMode(training);
    }
}
