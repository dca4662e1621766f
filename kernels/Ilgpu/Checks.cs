namespace NativeDsp.Kernels.Ilgpu;

/// <summary>
/// Argument checks done on the host before a launch: a kernel cannot throw, and an out-of-range index on
/// a GPU corrupts memory silently, so every op checks its sizes against its buffers first.
/// </summary>
static class Checks
{
    public static void NonNegative(string op, string name, long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{op}: {name} must be >= 0, got {value}");
    }

    public static void Positive(string op, string name, long value)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{op}: {name} must be > 0, got {value}");
    }

    /// <summary>Elements [offset, offset + count) must lie inside the buffer.</summary>
    public static void Range<T>(string op, string name, DeviceBuffer<T> buffer, long offset, long count) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements but elements [{offset}, {offset + count}) are needed", name);
    }

    /// <summary>The first <paramref name="count"/> elements must exist.</summary>
    public static void Length<T>(string op, string name, DeviceBuffer<T> buffer, long count) where T : unmanaged =>
        Range(op, name, buffer, 0, count);

    /// <summary>Throws when an op that cannot work in place gets the same buffer twice.</summary>
    public static void Distinct(string op, object? a, object? b, string message)
    {
        if (a is not null && ReferenceEquals(a, b)) throw new ArgumentException($"{op}: {message}");
    }

    /// <summary>rows x cols must not overflow the int index math of the kernels.</summary>
    public static int Product(string op, long a, long b)
    {
        long p = a * b;
        if (p > int.MaxValue) throw new ArgumentException($"{op}: {a} x {b} elements exceed the 2^31 - 1 a buffer can hold");
        return (int)p;
    }
}
