using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// One worker's tiles for the fused attention: K and V transposed (so that Q K^T and dO V^T are
/// vectorised along the keys), one block of scores / probabilities and one of dP / dS, and the additive
/// key mask. Arrays live on the pinned heap so the tiles can be addressed by pointer without
/// <c>fixed</c>, and are reused across calls (they only grow).
/// </summary>
internal sealed unsafe class AttentionScratch
{
    float[] kt = [], vt = [], scores = [], grads = [], maskAdd = [];

    public float* Kt, Vt, Scores, Grads, MaskAdd;

    /// <summary>Sizes the tiles for head dimension d, tile rows of ld floats (>= padded keys), and blocks of rows queries.</summary>
    public void Ensure(int d, int ld, int rows)
    {
        Grow(ref kt, ref Kt, d * ld);
        Grow(ref vt, ref Vt, d * ld);
        Grow(ref scores, ref Scores, rows * ld);
        Grow(ref grads, ref Grads, rows * ld);
        Grow(ref maskAdd, ref MaskAdd, ld);
    }

    static void Grow(ref float[] array, ref float* pointer, int length)
    {
        if (array.Length >= length && length > 0) return;
        array = GC.AllocateUninitializedArray<float>(Math.Max(length, 1), pinned: true);
        pointer = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
    }
}

/// <summary>
/// The per-call buffers of the fused attention, pooled in the kernel instance so that a training step
/// allocates nothing in steady state: worker tiles, per-item dGate partial sums (summed in item order
/// afterwards, so the result does not depend on thread scheduling), and the per-item dK/dV partials used
/// only when a few (b, h) pairs are split over query chunks.
/// </summary>
internal sealed class AttentionWorkspacePool
{
    readonly ConcurrentBag<AttentionScratch> tiles = new();
    double[]? itemGate;
    float[]? partials;

    public AttentionScratch RentTiles() => tiles.TryTake(out var s) ? s : new AttentionScratch();
    public void Return(AttentionScratch s) => tiles.Add(s);

    public double[] RentItemGate(int items)
    {
        var a = Interlocked.Exchange(ref itemGate, null);
        if (a is null || a.Length < items) a = new double[items];
        Array.Clear(a, 0, items);
        return a;
    }

    public void Return(double[] a) => itemGate = a;

    public float[] RentPartials(long length)
    {
        var a = Interlocked.Exchange(ref partials, null);
        if (a is null || a.Length < length) a = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        return a;
    }

    public void Return(float[] a) => partials = a;
}
