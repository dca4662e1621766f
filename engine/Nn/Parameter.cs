namespace NativeDsp.Engine;

/// <summary>
/// A trainable tensor: caller-owned (the module that holds it disposes it), requires grad by default,
/// and carries its local name ("weight"); <see cref="Module.NamedParameters"/> gives the full path.
/// Set <see cref="Tensor.RequiresGrad"/> false to freeze it (optimizers then leave it untouched).
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>A zero-filled parameter of <paramref name="shape"/> that requires grad.</summary>
    public Parameter(Device device, Shape shape, string name = "") : base(device, shape)
    {
        Name = name;
        RequiresGrad = true;
    }

    /// <summary>The local name ("weight"); set by <c>Module.RegisterParameter</c>.</summary>
    public string Name { get; internal set; }

    /// <summary>A parameter holding a copy of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/>'s length is not the shape's element count.</exception>
    public static Parameter FromArray(Device device, string name, ReadOnlySpan<float> data, params int[] dims)
    {
        var p = new Parameter(device, new Shape(dims), name);
        p.CopyFrom(data);
        return p;
    }

    /// <summary>"Parameter name[shape]".</summary>
    public override string ToString() => $"Parameter {Name}{Shape}";
}
