namespace NativeDsp.Engine;

/// <summary>
/// What an optimizer needs to continue exactly: the step count and the moments of every parameter,
/// keyed "g{group}.p{index}.m" / ".v" (position in the groups, so it loads into an optimizer built the
/// same way over the same model).
/// </summary>
public sealed record OptimizerState(int Step, Dictionary<string, HostTensor> Tensors);
