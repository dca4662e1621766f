using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The CPU implementation of <see cref="IKernels"/>: plain C# over arrays, vectorised with
/// Vector512/Vector256 and parallel over rows or tiles where the work is large enough to pay for it.
/// One op per file (partial class); this file holds allocation and the helpers the ops share.
/// </summary>
public sealed partial class HostKernels : IKernels
{
    long live;

    public BackendKind Kind => BackendKind.Host;

    public string Description =>
        $"host: {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar")}, {Environment.ProcessorCount} threads";

    public long LiveBuffers => Interlocked.Read(ref live);

    public DeviceBuffer<float> Allocate(int length) => Rent<float>(length);
    public DeviceBuffer<int> AllocateInt(int length) => Rent<int>(length);
    public DeviceBuffer<double> AllocateDouble(int length) => Rent<double>(length);

    HostBuffer<T> Rent<T>(int length) where T : unmanaged
    {
        Interlocked.Increment(ref live);
        return new HostBuffer<T>(this, new T[length], length);
    }

    internal void Return<T>(HostBuffer<T> buffer) where T : unmanaged => Interlocked.Decrement(ref live);

    public void Synchronize() { }

    public void Dispose() { }

    /// <summary>The array behind a buffer of this backend; a clear error for another backend's buffer.</summary>
    internal static T[] A<T>(DeviceBuffer<T> buffer) where T : unmanaged =>
        buffer is HostBuffer<T> h
            ? (h.IsDisposed ? throw new ObjectDisposedException("buffer", "a disposed buffer was passed to a host kernel") : h.Array)
            : throw new ArgumentException($"host kernels need host buffers, got {buffer.GetType().Name}");
}
