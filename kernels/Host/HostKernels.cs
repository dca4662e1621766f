using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The CPU implementation of <see cref="IKernels"/>: plain C# over arrays, vectorised with
/// Vector512/Vector256/Vector128 and parallel over rows or tiles where the work is large enough to pay for it.
/// The GEMM and dropout's random numbers have one code path per vector width (<see cref="VectorWidth"/>),
/// chosen per instance: the widest the CPU runs by default, a narrower one on request (tests run all).
/// One op per file (partial class); this file holds allocation and the helpers the ops share.
/// </summary>
public sealed partial class HostKernels : IKernels
{
    long live;
    readonly GemmBlockSizes gemm;

    /// <summary>Host kernels at the widest vector width this CPU runs (<see cref="VectorWidths.Hardware"/>).</summary>
    public HostKernels() : this(VectorWidths.Hardware) { }

    /// <summary>
    /// Host kernels whose width-specific parts (GEMM micro-kernels and packing, the vectorised Philox of
    /// dropout) run at <paramref name="width"/>; tests and benchmarks use it to run the AVX2 and 128-bit
    /// paths on a wider CPU. Other ops use the widest vectors the runtime offers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The CPU cannot run <paramref name="width"/>.</exception>
    public HostKernels(VectorWidth width)
    {
        Width = VectorWidths.Check(width);
        gemm = GemmBlockSizes.For(width);
    }

    /// <summary>The vector width of the width-specific kernels.</summary>
    public VectorWidth Width { get; }

    /// <summary>The GEMM's register tile and cache blocks at <see cref="Width"/> on this machine.</summary>
    public GemmBlockSizes GemmSizes => gemm;

    /// <inheritdoc/>
    public BackendKind Kind => BackendKind.Host;

    /// <inheritdoc/>
    public string Description =>
        $"host: {(int)Width}-bit vectors ({VectorWidths.Describe()}), {Environment.ProcessorCount} threads";

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
