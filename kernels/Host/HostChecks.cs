namespace NativeDsp.Kernels.Host;

/// <summary>
/// Cheap argument checks at the entry of every host op: sizes non-negative and buffers long enough, so that
/// the vector loops (which load without bounds checks) never run past an array. Messages name the op,
/// the buffer and the sizes.
/// </summary>
public sealed partial class HostKernels
{
    static void NonNegative(string op, string names, params ReadOnlySpan<long> sizes)
    {
        foreach (long s in sizes)
            if (s < 0) throw new ArgumentOutOfRangeException(names, $"{op}: sizes ({names}) = ({Join(sizes)}) must be >= 0");
    }

    /// <summary>Throws unless <paramref name="buffer"/> holds at least <paramref name="need"/> elements.</summary>
    static T[] Need<T>(DeviceBuffer<T> buffer, long need, string op, string name, string names, params ReadOnlySpan<long> sizes)
        where T : unmanaged
    {
        var array = A(buffer);
        if (buffer.Length < need)
            throw new ArgumentException($"{op}: {name} has {buffer.Length} elements but ({names}) = ({Join(sizes)}) needs {need}", name);
        return array;
    }

    static void Require(bool ok, string op, string message)
    {
        if (!ok) throw new ArgumentException($"{op}: {message}");
    }

    static string Join(ReadOnlySpan<long> sizes) => string.Join(", ", sizes.ToArray());
}
