using NativeDsp.Kernels;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// <see cref="IKernels.ClipScale"/> against its definition in double (torch.nn.utils.clip_grad_norm_:
/// maxNorm / (norm + 1e-6) above the maximum, 1 below it and for a non-finite norm). One float sqrt and one
/// division: within 2 ulp of the double value, so the tolerance is 1e-6 relative.
/// </summary>
public sealed class ClipScaleTests
{
    [Theory]
    [InlineData("host", 25.0, 1.0)]       // norm 5 > 1: scaled
    [InlineData("ilgpu-cpu", 25.0, 1.0)]
    [InlineData("host", 0.25, 1.0)]       // norm 0.5 < 1: unchanged
    [InlineData("ilgpu-cpu", 0.25, 1.0)]
    [InlineData("host", 1e-3, 3e-2)]      // norm just above the maximum
    [InlineData("ilgpu-cpu", 1e-3, 3e-2)]
    [InlineData("host", double.PositiveInfinity, 1.0)]
    [InlineData("ilgpu-cpu", double.PositiveInfinity, 1.0)]
    [InlineData("host", double.NaN, 1.0)]
    [InlineData("ilgpu-cpu", double.NaN, 1.0)]
    public void MatchesTheDefinition(string backend, double sumSquares, double maxNorm)
    {
        var k = TestBackends.Get(backend);
        using var s = k.Allocate(1);
        using var norm = k.Allocate(1);
        using var scale = k.Allocate(1);
        s.CopyFrom([(float)sumSquares]);
        k.ClipScale(s, norm, scale, (float)maxNorm);
        double expectedNorm = Math.Sqrt((float)sumSquares);
        double expectedScale = double.IsFinite(expectedNorm) && expectedNorm > maxNorm ? maxNorm / (expectedNorm + 1e-6) : 1.0;
        float n = norm.ToArray()[0], c = scale.ToArray()[0];
        if (double.IsNaN(expectedNorm)) Assert.True(float.IsNaN(n));
        else if (double.IsInfinity(expectedNorm)) Assert.True(float.IsPositiveInfinity(n));
        else Assert.Equal(expectedNorm, n, expectedNorm * 1e-6);
        Assert.Equal(expectedScale, c, expectedScale * 1e-6);
    }
}
