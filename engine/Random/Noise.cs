namespace NativeDsp.Engine;

/// <summary>
/// Fresh tensors of counter-based random noise for stochastic relaxations: element i is a function of
/// (seed, offset + i) only (Philox 4x32-10), so a draw is the same on every backend and can be replayed from
/// the step alone (callers pass offset = step * n). The tensors are owned by the device's tape (released
/// with the step's scope), hold no gradient, and are constants to the ops that read them.
/// </summary>
public static class Noise
{
    /// <summary>A tape-owned [<paramref name="n"/>] tensor of standard Gumbel(0, 1) samples (DSP's Gumbel soft top-K; Li et al. 2021, eq. 6).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static Tensor Gumbel(Device device, int n, ulong seed, ulong offset)
    {
        var noise = New(device, n);
        device.Kernels.FillGumbel(noise.Buffer, n, seed, offset);
        return noise;
    }

    /// <summary>
    /// A tape-owned [<paramref name="n"/>] tensor of the logistic noise log u - log(1 - u) of Hard Concrete
    /// samples (Louizos et al. 2018; Voita et al. 2019), u uniform kept eps away from 0 and 1
    /// (see <c>IKernels.HardConcreteNoise</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static Tensor HardConcreteLogistic(Device device, int n, ulong seed, ulong offset)
    {
        var noise = New(device, n);
        device.Kernels.HardConcreteNoise(noise.Buffer, n, seed, offset);
        return noise;
    }

    static Tensor New(Device device, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        return device.Tape.Own(Tensor.Zeros(device, n));
    }
}
