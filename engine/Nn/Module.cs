namespace NativeDsp.Engine;

/// <summary>
/// A building block of a model: it registers its parameters, persistent buffers and child modules under
/// local names, and gets hierarchical names ("encoder.layers.0.attn.q.weight"), train/eval mode, state
/// dicts and parameter counts from here. A parameter shared by two modules (tied embeddings) is listed
/// once, under the first name met. Disposing a module disposes what it registered.
/// </summary>
public abstract class Module : IDisposable
{
    readonly List<(string Name, Parameter Value)> parameters = [];
    readonly List<(string Name, Tensor Value)> buffers = [];
    readonly List<(string Name, Module Value)> children = [];

    /// <summary>True in training mode (dropout active, etc.), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public void Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in children) child.Train(training);
    }

    /// <summary>Sets evaluation mode (no dropout) on this module and every descendant: <c>Train(false)</c>.</summary>
    public void Eval() => Train(false);

    /// <summary>
    /// Freezes every parameter of the tree (and with <paramref name="evaluationMode"/> puts every module in
    /// evaluation mode) until the returned scope is disposed, which restores each one's previous state:
    /// <c>using (model.Freeze()) { ... }</c>.
    /// </summary>
    /// <param name="evaluationMode">Also switch the tree to evaluation mode (no dropout) for the scope's lifetime.</param>
    public FreezeScope Freeze(bool evaluationMode = false) => new(this, evaluationMode);

    /// <summary>Sets this module's mode only (not its children's); for <see cref="FreezeScope"/>'s restore.</summary>
    internal void SetOwnTrainingMode(bool training) => Training = training;

    // ---------------------------------------------------------------- registration

    /// <summary>Registers <paramref name="parameter"/> under the local <paramref name="name"/> (sets its name); the module then owns and disposes it.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already registered.</exception>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        CheckNewName(name);
        parameter.Name = name;
        parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>A non-trainable tensor saved in the state dict (e.g. fixed position encodings). Owned by the module.</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already registered.</exception>
    protected Tensor RegisterBuffer(string name, Tensor buffer)
    {
        CheckNewName(name);
        buffers.Add((name, buffer));
        return buffer;
    }

    /// <summary>Registers a child module under the local <paramref name="name"/>; its parameters get the prefix "name.".</summary>
    /// <exception cref="ArgumentException">The name is empty, contains '.', or is already registered.</exception>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckNewName(name);
        children.Add((name, module));
        return module;
    }

    /// <summary>
    /// Swaps a registered parameter for another (e.g. a smaller one after physically pruning heads) and
    /// disposes the old one unless <paramref name="disposeOld"/> is false.
    /// </summary>
    /// <exception cref="KeyNotFoundException">This module has no parameter <paramref name="name"/>.</exception>
    protected Parameter ReplaceParameter(string name, Parameter replacement, bool disposeOld = true)
    {
        int i = parameters.FindIndex(p => p.Name == name);
        if (i < 0) throw new KeyNotFoundException($"{GetType().Name} has no parameter '{name}' to replace");
        var old = parameters[i].Value;
        replacement.Name = name;
        parameters[i] = (name, replacement);
        if (disposeOld && !ReferenceEquals(old, replacement)) old.Dispose();
        return replacement;
    }

    /// <summary>
    /// Unregisters and disposes a parameter that the module no longer uses (e.g. the output bias of a residual
    /// branch removed by pruning), so that it leaves <see cref="ParameterCount"/>, state dicts and checkpoints.
    /// </summary>
    /// <exception cref="KeyNotFoundException">This module has no parameter <paramref name="name"/>.</exception>
    protected void RemoveParameter(string name)
    {
        int i = parameters.FindIndex(p => p.Name == name);
        if (i < 0) throw new KeyNotFoundException($"{GetType().Name} has no parameter '{name}' to remove");
        var old = parameters[i].Value;
        parameters.RemoveAt(i);
        old.Dispose();
    }

    /// <summary>
    /// Unregisters and disposes a child module that the module no longer uses (e.g. the pre-LN LayerNorm in front of a
    /// residual branch removed by pruning), so that its parameters leave <see cref="ParameterCount"/>, state dicts and
    /// checkpoints.
    /// </summary>
    /// <exception cref="KeyNotFoundException">This module has no child <paramref name="name"/>.</exception>
    protected void RemoveModule(string name)
    {
        int i = children.FindIndex(c => c.Name == name);
        if (i < 0) throw new KeyNotFoundException($"{GetType().Name} has no module '{name}' to remove");
        var old = children[i].Value;
        children.RemoveAt(i);
        old.Dispose();
    }

    void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: '{name}' is not a valid local name (non-empty, no '.')");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"{GetType().Name}: the name '{name}' is already registered");
    }

    // ---------------------------------------------------------------- enumeration

    /// <summary>Every module of the tree with its path ("" for this one), parents before children.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        yield return (prefix, this);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedModules(Join(prefix, name)))
                yield return item;
    }

    /// <summary>Every parameter of the tree with its full name, each shared parameter once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters()
    {
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var (path, module) in NamedModules())
            foreach (var (name, p) in module.parameters)
                if (seen.Add(p)) yield return (Join(path, name), p);
    }

    /// <summary>Every registered buffer of the tree with its full name.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers()
    {
        foreach (var (path, module) in NamedModules())
            foreach (var (name, b) in module.buffers)
                yield return (Join(path, name), b);
    }

    /// <summary>Every parameter of the tree, each shared parameter once, in <see cref="NamedParameters"/> order.</summary>
    public IReadOnlyList<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>The number of trainable scalars (shared parameters counted once).</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Parameter.Count);

    /// <summary>Zeroes the gradient of every parameter of the tree.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in NamedParameters()) p.ZeroGrad();
    }

    static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    // ---------------------------------------------------------------- state dict

    /// <summary>Parameters and buffers by full name, copied to the host.</summary>
    public Dictionary<string, HostTensor> StateDict()
    {
        var state = new Dictionary<string, HostTensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = HostTensor.From(p);
        foreach (var (name, b) in NamedBuffers()) state[name] = HostTensor.From(b);
        return state;
    }

    /// <summary>
    /// Copies values into the parameters and buffers of the same names. With <paramref name="strict"/>,
    /// a missing or unexpected name is an error (listing them); a shape difference always is.
    /// </summary>
    /// <exception cref="KeyNotFoundException">With <paramref name="strict"/>, a name is missing or unexpected.</exception>
    /// <exception cref="ShapeException">A value's shape differs from its parameter's or buffer's.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, HostTensor> state, bool strict = true)
    {
        var targets = NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(NamedBuffers()).ToList();
        var missing = targets.Where(t => !state.ContainsKey(t.Name)).Select(t => t.Name).ToList();
        var expected = targets.Select(t => t.Name).ToHashSet();
        var unexpected = state.Keys.Where(k => !expected.Contains(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new KeyNotFoundException($"load_state_dict: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
        foreach (var (name, tensor) in targets)
        {
            if (!state.TryGetValue(name, out var value)) continue;
            if (value.Shape != tensor.Shape) throw new ShapeException($"load_state_dict '{name}'", tensor.Shape, value.Shape, "the model's and the state's shapes differ");
            tensor.CopyFrom(value.Data);
        }
    }

    // ---------------------------------------------------------------- lifetime

    /// <summary>Disposes every parameter, buffer and child module registered in this tree.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes what this module registered; override to free more, calling the base.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var (_, p) in parameters) p.Dispose();
        foreach (var (_, b) in buffers) b.Dispose();
        foreach (var (_, c) in children) c.Dispose();
    }
}
