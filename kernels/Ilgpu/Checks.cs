using System.Buffers;

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

    /// <summary>
    /// Reads <paramref name="count"/> device ints back and returns the position of the first one outside
    /// [0, <paramref name="limit"/>) that is not <paramref name="allowed"/>, or -1. The read-back waits for
    /// the queue (see <see cref="IlgpuKernels.ValidateIndices"/>).
    /// </summary>
    public static (int Position, int Value) FirstOutOfRange(DeviceBuffer<int> values, int count, int limit, int? allowed = null)
    {
        if (count == 0) return (-1, 0);
        int[] host = ArrayPool<int>.Shared.Rent(count);
        try
        {
            values.CopyTo(host.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                int v = host[i];
                if ((uint)v >= (uint)limit && v != allowed) return (i, v);
            }
            return (-1, 0);
        }
        finally { ArrayPool<int>.Shared.Return(host); }
    }

    /// <summary>rows x cols must not overflow the int index math of the kernels.</summary>
    public static int Product(string op, long a, long b)
    {
        long p = a * b;
        if (p > int.MaxValue) throw new ArgumentException($"{op}: {a} x {b} elements exceed the 2^31 - 1 a buffer can hold");
        return (int)p;
    }
}
