using System.Buffers;
using NativeDsp.Kernels.Pruning;

namespace NativeDsp.Kernels.Host;

// Straight-through hard top-K. Each head becomes one sortable 64-bit key: the logit's order-preserving
// bit pattern, inverted so that larger logits come first, in the high word and the index in the low word,
// so that one ascending sort gives "largest first, lower index first among equal logits" with no comparer.
public sealed partial class HostKernels
{
    /// <inheritdoc/>
    public void SteTopKForward(DeviceBuffer<float> logits, DeviceBuffer<float> mask, int heads, int k)
    {
        const string op = nameof(SteTopKForward);
        PruningChecks.SteTopKForward(logits, mask, heads, k);
        var w = A(logits);
        var y = A(mask);

        var keys = ArrayPool<ulong>.Shared.Rent(heads);
        try
        {
            for (int i = 0; i < heads; i++)
            {
                float v = w[i];
                if (float.IsNaN(v)) throw new ArgumentException($"{op}: logit {i} of {heads} is NaN", nameof(logits));
                keys[i] = ((ulong)~OrderedBits(v) << 32) | (uint)i;
            }
            var sorted = keys.AsSpan(0, heads);
            sorted.Sort();
            Array.Clear(y, 0, heads);
            for (int r = 0; r < k; r++) y[(int)(uint)sorted[r]] = 1f;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    /// <inheritdoc/>
    public void SteTopKBackward(DeviceBuffer<float> dmask, DeviceBuffer<float> dlogits, int heads)
    {
        PruningChecks.SteTopKBackward(dmask, dlogits, heads);
        System.Numerics.Tensors.TensorPrimitives.Add(A(dlogits).AsSpan(0, heads), A(dmask).AsSpan(0, heads), A(dlogits).AsSpan(0, heads));
    }

    /// <summary>
    /// A uint whose unsigned order is the float order (-0 and +0 equal): flip all bits of negatives, set the
    /// sign bit of non-negatives.
    /// </summary>
    static uint OrderedBits(float v)
    {
        if (v == 0f) v = 0f; // -0 == +0 as logits; give them one key
        uint bits = BitConverter.SingleToUInt32Bits(v);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }
}
