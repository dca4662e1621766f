using System.Runtime.CompilerServices;
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

    /// <inheritdoc/>
    public BackendKind Kind => BackendKind.Host;

    /// <inheritdoc/>
    public string Description =>
        $"host: {(Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar")}, {Environment.ProcessorCount} threads";

    /// <inheritdoc/>
    public long LiveBuffers => Interlocked.Read(ref live);

    /// <inheritdoc/>
    public DeviceBuffer<float> Allocate(int length) => Rent<float>(length);
    /// <inheritdoc/>
    public DeviceBuffer<int> AllocateInt(int length) => Rent<int>(length);
    /// <inheritdoc/>
    public DeviceBuffer<double> AllocateDouble(int length) => Rent<double>(length);

    // A pool of arrays in exact-length buckets. Every op output is a fresh zero-filled buffer and a training
    // step allocates the same lengths every time, so without reuse each step puts its large activations on
    // the large-object heap (arrays over 85 kB) and the GC runs gen-2 collections to reclaim them. Small
    // arrays stay with the GC (gen-0 allocation is cheaper than the lock). The pool is capped so that a
    // phase with big temporaries (evaluation on a large batch) does not pin that memory for the whole run.
    // LiveBuffers still counts buffers rented and not returned; pooled arrays are not live.
    const int MinPooledBytes = 4096;
    const long MaxPooledBytes = 1L << 30;
    readonly Dictionary<(Type, int), Stack<Array>> pool = [];
    long pooledBytes;

    /// <summary>Bytes held by the allocation pool (free arrays kept for reuse).</summary>
    public long PooledBytes
    {
        get { lock (pool) return pooledBytes; }
    }

    /// <summary>Drops every pooled array (they go back to the GC).</summary>
    public void TrimPool()
    {
        lock (pool)
        {
            pool.Clear();
            pooledBytes = 0;
        }
    }

    HostBuffer<T> Rent<T>(int length) where T : unmanaged
    {
        Interlocked.Increment(ref live);
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (bytes >= MinPooledBytes)
        {
            T[]? reused = null;
            lock (pool)
            {
                if (pool.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
                {
                    reused = (T[])stack.Pop();
                    pooledBytes -= bytes;
                }
            }
            if (reused is not null)
            {
                // IKernels.Allocate promises zero-filled memory, as a fresh array would be.
                System.Array.Clear(reused);
                return new HostBuffer<T>(this, reused, length);
            }
        }
        return new HostBuffer<T>(this, new T[length], length);
    }

    internal void Return<T>(HostBuffer<T> buffer) where T : unmanaged
    {
        Interlocked.Decrement(ref live);
        var array = buffer.Array;
        long bytes = (long)array.Length * Unsafe.SizeOf<T>();
        if (bytes < MinPooledBytes) return;
        lock (pool)
        {
            if (pooledBytes + bytes > MaxPooledBytes) return;
            if (!pool.TryGetValue((typeof(T), array.Length), out var stack)) pool[(typeof(T), array.Length)] = stack = new Stack<Array>();
            stack.Push(array);
            pooledBytes += bytes;
        }
    }

    /// <inheritdoc/>
    public void Synchronize() { }

    /// <inheritdoc/>
    public void Dispose() { }

    /// <summary>The array behind a buffer of this backend; a clear error for another backend's buffer.</summary>
    internal static T[] A<T>(DeviceBuffer<T> buffer) where T : unmanaged =>
        buffer is HostBuffer<T> h
            ? (h.IsDisposed ? throw new ObjectDisposedException("buffer", "a disposed buffer was passed to a host kernel") : h.Array)
            : throw new ArgumentException($"host kernels need host buffers, got {buffer.GetType().Name}");
}
