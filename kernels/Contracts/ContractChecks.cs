namespace NativeDsp.Kernels;

/// <summary>
/// The checks the op contracts (<see cref="KernelContracts"/>, <see cref="MatMulChecks"/>,
/// <see cref="Pruning.PruningChecks"/>, <see cref="AttentionShape"/>) are made of, so that every message
/// has one form: "<c>Op: what is wrong (the sizes involved)</c>". They run on the host before a kernel runs:
/// a GPU kernel cannot throw, and the Host kernels load without bounds checks.
/// </summary>
public static class ContractChecks
{
    /// <summary>Every size must be &gt;= 0.</summary>
    /// <param name="op">The op's name, as <c>nameof(IKernels.X)</c>.</param>
    /// <param name="names">The names of the sizes, comma-separated ("rows, cols").</param>
    /// <param name="sizes">Their values, in the same order.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public static void NonNegative(string op, string names, params ReadOnlySpan<long> sizes)
    {
        foreach (long s in sizes)
            if (s < 0) throw new ArgumentOutOfRangeException(names, $"{op}: sizes ({names}) = ({Join(sizes)}) must be >= 0");
    }

    /// <summary>A size that must be &gt;= 1 (a period, a row length).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> &lt; 1.</exception>
    public static void Positive(string op, string name, long value)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, $"{op}: {name} = {value} must be >= 1");
    }

    /// <summary>The buffer must hold at least <paramref name="need"/> elements.</summary>
    /// <param name="op">The op's name.</param>
    /// <param name="name">The parameter name of the buffer.</param>
    /// <param name="buffer">The buffer.</param>
    /// <param name="need">Elements needed.</param>
    /// <param name="shape">What needs them, e.g. "rows 3 x cols 5".</param>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    public static void Length<T>(string op, string name, DeviceBuffer<T> buffer, long need, string shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < need)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements but {shape} needs {need}", name);
    }

    /// <summary>Elements [offset, offset + count) must lie inside the buffer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">offset or count is negative.</exception>
    /// <exception cref="ArgumentException">The range ends past the buffer.</exception>
    public static void Range<T>(string op, string name, DeviceBuffer<T> buffer, long offset, long count) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        NonNegative(op, $"{name} offset, count", offset, count);
        if (offset + count > buffer.Length)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements but elements [{offset}, {offset + count}) are needed", name);
    }

    /// <summary>Two buffers that must not be the same object (an op that cannot work in place).</summary>
    /// <exception cref="ArgumentException">They are the same buffer.</exception>
    public static void Distinct(string op, object? a, object? b, string message)
    {
        if (a is not null && ReferenceEquals(a, b)) throw new ArgumentException($"{op}: {message}");
    }

    /// <summary>Any other precondition: throws with "<c>op: message</c>" unless <paramref name="ok"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="ok"/> is false.</exception>
    public static void Require(bool ok, string op, string message)
    {
        if (!ok) throw new ArgumentException($"{op}: {message}");
    }

    /// <summary>a x b elements, which must fit the int index math of the kernels (and one buffer).</summary>
    /// <returns>a * b.</returns>
    /// <exception cref="ArgumentException">The product exceeds 2^31 - 1.</exception>
    public static int Product(string op, long a, long b)
    {
        long p = a * b;
        if (p > int.MaxValue) throw new ArgumentException($"{op}: {a} x {b} elements exceed the 2^31 - 1 a buffer can hold");
        return (int)p;
    }

    static string Join(ReadOnlySpan<long> sizes) => string.Join(", ", sizes.ToArray());
}
