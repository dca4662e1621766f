using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// The vector body of <see cref="HostKernels.Dropout"/>: per vector of counters one
/// <see cref="PhiloxVector"/> call, an integer compare against <see cref="PhiloxVector.KeepThreshold"/> and
/// a masked x / (1 - p) (IEEE division, so the same bits as the scalar loop). Returns where it stopped; the
/// caller finishes the last few elements with the scalar generator.
/// </summary>
static unsafe class DropoutVector
{
    public static int Run(VectorWidth width, float[] x, float[] y, int start, int end, float p, float keepProbability,
                          ulong seed, ulong offset, bool accumulate)
    {
        int threshold = PhiloxVector.KeepThreshold(p);
        int i = start;
        fixed (float* px = x, py = y)
        {
            if (width == VectorWidth.Bits512)
            {
                var t = Vector512.Create(threshold);
                var kp = Vector512.Create(keepProbability);
                for (; i + 16 <= end; i += 16)
                {
                    var keep = Vector512.GreaterThanOrEqual((PhiloxVector.FirstWords512(seed, offset + (ulong)i) >> 8).AsInt32(), t);
                    var value = (Vector512.Load(px + i) / kp) & keep.AsSingle();
                    Vector512.Store(accumulate ? Vector512.Load(py + i) + value : value, py + i);
                }
            }
            else if (width == VectorWidth.Bits256)
            {
                var t = Vector256.Create(threshold);
                var kp = Vector256.Create(keepProbability);
                for (; i + 8 <= end; i += 8)
                {
                    var keep = Vector256.GreaterThanOrEqual((PhiloxVector.FirstWords256(seed, offset + (ulong)i) >> 8).AsInt32(), t);
                    var value = (Vector256.Load(px + i) / kp) & keep.AsSingle();
                    Vector256.Store(accumulate ? Vector256.Load(py + i) + value : value, py + i);
                }
            }
            else
            {
                var t = Vector128.Create(threshold);
                var kp = Vector128.Create(keepProbability);
                for (; i + 4 <= end; i += 4)
                {
                    var keep = Vector128.GreaterThanOrEqual((PhiloxVector.FirstWords128(seed, offset + (ulong)i) >> 8).AsInt32(), t);
                    var value = (Vector128.Load(px + i) / kp) & keep.AsSingle();
                    Vector128.Store(accumulate ? Vector128.Load(py + i) + value : value, py + i);
                }
            }
        }
        return i;
    }
}
