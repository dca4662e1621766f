using NativeDsp.Kernels;

namespace NativeDsp.Engine;

/// <summary>
/// The differentiable ops. Each op family lives in its own file as a forward/backward pair: the forward
/// allocates its output on the tape, calls the kernels, and records a closure that, given the output's
/// gradient, ADDS into the gradients of the inputs that require grad (the <c>...Backward</c> kernels
/// accumulate by contract). This file holds what the ops share.
/// </summary>
public static partial class Ops
{
    /// <summary>A new tape-owned output of <paramref name="shape"/> on <paramref name="like"/>'s device.</summary>
    internal static Tensor NewOutput(Tensor like, Shape shape) => Tensor.NewOwned(like.Device, shape);

    internal static IKernels K(Tensor t) => t.Device.Kernels;

    /// <summary>The gradient buffer of an input, allocated on first use; backward steps add into it.</summary>
    internal static Kernels.DeviceBuffer<float> G(Tensor t) => t.EnsureGrad().Buffer;

    /// <summary>d(loss)/d(output) of an op, read in its backward step.</summary>
    internal static Kernels.DeviceBuffer<float> Dy(Tensor output) => output.Grad!.Buffer;

    internal static void SameShape(string op, Tensor a, Tensor b)
    {
        if (a.Shape != b.Shape) throw new ShapeException(op, a.Shape, b.Shape, "shapes must be equal");
    }

    internal static void SameDevice(string op, Tensor a, Tensor b)
    {
        if (a.Device != b.Device) throw new ArgumentException($"{op}: tensors {a.Shape} and {b.Shape} live on different devices ({a.Device} and {b.Device})");
    }

    internal static void RankAtLeast(string op, Tensor t, int rank)
    {
        if (t.Shape.Rank < rank) throw new ArgumentException($"{op}: needs a tensor of rank >= {rank}, got shape {t.Shape}");
    }

    /// <summary>A scratch buffer for a backward step; the caller disposes it (<c>using</c>).</summary>
    internal static Kernels.DeviceBuffer<float> Scratch(Tensor like, int length) => K(like).Allocate(length);
}
