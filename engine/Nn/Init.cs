namespace NativeDsp.Engine;

/// <summary>
/// Initialisers: fill a tensor in place on its device. Random ones draw with the device kernels from a
/// range reserved on the given <see cref="Rng"/>, so the values are the same on every backend and a restored
/// RNG state reproduces them. Fans follow PyTorch: for [out, in, ...] fan_in = in * receptive field,
/// fan_out = out * receptive field.
/// </summary>
public static class Init
{
    /// <summary>Sets every element of <paramref name="t"/> to <paramref name="value"/>.</summary>
    public static void Constant(Tensor t, float value) => t.Device.Kernels.Fill(t.Buffer, value, 0, t.Count);
    /// <summary>Sets every element to 0.</summary>
    public static void Zeros(Tensor t) => Constant(t, 0f);
    /// <summary>Sets every element to 1.</summary>
    public static void Ones(Tensor t) => Constant(t, 1f);

    /// <summary>Sets row <paramref name="row"/> of a [rows, ...] tensor (all its trailing elements) to <paramref name="value"/>, e.g. a padding token's embedding to zero.</summary>
    /// <exception cref="ArgumentException">The tensor has rank 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside [0, rows).</exception>
    public static void ConstantRow(Tensor t, int row, float value)
    {
        if (t.Shape.Rank < 1) throw new ArgumentException($"init: a row of a rank-0 tensor {t.Shape} is undefined");
        if (row < 0 || row >= t.Shape[0]) throw new ArgumentOutOfRangeException(nameof(row), row, $"init: row {row} is outside a tensor of shape {t.Shape}");
        int width = t.Count / t.Shape[0];
        t.Device.Kernels.Fill(t.Buffer, value, row * width, width);
    }

    /// <summary>Uniform in [low, high).</summary>
    public static void Uniform(Tensor t, Rng rng, float low, float high)
    {
        var k = t.Device.Kernels;
        k.FillUniform(t.Buffer, t.Count, rng.Seed, rng.Reserve(t.Count));
        k.ScaleShift(t.Buffer, t.Buffer, t.Count, high - low, low);
    }

    /// <summary>Normal N(mean, std^2), drawn on the device from <paramref name="t"/>.Count counters reserved on <paramref name="rng"/>.</summary>
    public static void Normal(Tensor t, Rng rng, float std, float mean = 0f) =>
        t.Device.Kernels.FillNormal(t.Buffer, t.Count, mean, std, rng.Seed, rng.Reserve(t.Count));

    /// <summary>Glorot/Xavier uniform (Glorot and Bengio 2010): U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)); fans from <see cref="Fans"/> unless given.</summary>
    /// <exception cref="ArgumentException">No fans were given and the shape has rank below 2.</exception>
    public static void XavierUniform(Tensor t, Rng rng, float gain = 1f, (int FanIn, int FanOut)? fans = null)
    {
        var (fanIn, fanOut) = fans ?? Fans(t.Shape);
        float a = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(t, rng, -a, a);
    }

    /// <summary>Glorot/Xavier normal (Glorot and Bengio 2010): N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)).</summary>
    /// <exception cref="ArgumentException">No fans were given and the shape has rank below 2.</exception>
    public static void XavierNormal(Tensor t, Rng rng, float gain = 1f, (int FanIn, int FanOut)? fans = null)
    {
        var (fanIn, fanOut) = fans ?? Fans(t.Shape);
        Normal(t, rng, gain * MathF.Sqrt(2f / (fanIn + fanOut)));
    }

    /// <summary>(fan_in, fan_out) of a weight [out, in, k...]; rank 1 needs explicit fans (PyTorch refuses it too).</summary>
    /// <exception cref="ArgumentException">The shape has rank below 2.</exception>
    public static (int FanIn, int FanOut) Fans(Shape shape)
    {
        if (shape.Rank < 2) throw new ArgumentException($"init: fans of shape {shape} are undefined for rank < 2; pass them explicitly");
        int receptive = shape.Product(2, shape.Rank);
        return (shape[1] * receptive, shape[0] * receptive);
    }
}
