using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// Per-thread buffers for the packed panels of <see cref="GemmBlocked"/>, kept between calls so that
/// a training step's hundreds of products allocate nothing. Arrays live on the pinned heap (they never
/// move, so a raw pointer stays valid) and are used from a 64-byte boundary so every packed vector of
/// 16 floats is one cache line.
/// </summary>
static unsafe class GemmScratch
{
    [ThreadStatic] static float[]? packedA;
    [ThreadStatic] static float[]? packedB;

    /// <summary>At least <paramref name="floats"/> floats for the calling thread's packed block of A.</summary>
    public static float* ForA(int floats) => Get(ref packedA, floats);

    /// <summary>At least <paramref name="floats"/> floats for the calling thread's packed panel of B.</summary>
    public static float* ForB(int floats) => Get(ref packedB, floats);

    static float* Get(ref float[]? buffer, int floats)
    {
        const int align = 16; // floats per 64 bytes
        if (buffer is null || buffer.Length < floats + align)
            buffer = GC.AllocateUninitializedArray<float>(floats + align, pinned: true);
        var start = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)(((nint)start + 63) & ~(nint)63);
    }
}
