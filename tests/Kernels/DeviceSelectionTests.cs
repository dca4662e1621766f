using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;
using Xunit.Abstractions;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// Device selection: explicit choices, the precedence --device over NATIVEDSP_DEVICE over auto, the error
/// for an unknown name, and auto's fallback. Only what this machine can run is asserted unconditionally;
/// on a machine with a GPU the auto case checks the other branch.
/// </summary>
public sealed class DeviceSelectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("host", BackendKind.Host)]
    [InlineData(" HOST ", BackendKind.Host)]
    [InlineData("ilgpu-cpu", BackendKind.IlgpuCpu)]
    public void ExplicitChoiceIsHonoured(string requested, BackendKind expected)
    {
        var selected = DeviceSelection.Select(requested, environmentValue: null);
        using var _ = selected.Kernels;
        Assert.Equal(expected, selected.Kernels.Kind);
        Assert.Contains("--device", selected.Reason);
    }

    [Fact]
    public void CommandLineBeatsEnvironmentWhichBeatsAuto()
    {
        var fromEnvironment = DeviceSelection.Select(null, "ilgpu-cpu");
        using (fromEnvironment.Kernels)
        {
            Assert.Equal(BackendKind.IlgpuCpu, fromEnvironment.Kernels.Kind);
            Assert.Contains(DeviceSelection.EnvironmentVariable, fromEnvironment.Reason);
        }
        var fromCommandLine = DeviceSelection.Select("host", "ilgpu-cpu");
        using (fromCommandLine.Kernels)
            Assert.Equal(BackendKind.Host, fromCommandLine.Kernels.Kind);
        var blank = DeviceSelection.Select("  ", "host"); // a blank --device value counts as absent
        using (blank.Kernels)
            Assert.Equal(BackendKind.Host, blank.Kernels.Kind);
    }

    [Fact]
    public void EnvironmentVariableIsRead()
    {
        // Test classes run one at a time (TestBackends disables parallelisation), so setting the variable is safe.
        string? saved = Environment.GetEnvironmentVariable(DeviceSelection.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DeviceSelection.EnvironmentVariable, "host");
            var selected = DeviceSelection.Select();
            using var _ = selected.Kernels;
            Assert.Equal(BackendKind.Host, selected.Kernels.Kind);
            Assert.Contains(DeviceSelection.EnvironmentVariable, selected.Reason);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DeviceSelection.EnvironmentVariable, saved);
        }
    }

    [Theory]
    [InlineData("gpu", "--device")]
    [InlineData("cpu", "--device")]
    public void UnknownNameListsTheChoices(string requested, string source)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelection.Select(requested, null));
        Assert.Contains($"'{requested}'", error.Message);
        Assert.Contains(source, error.Message);
        foreach (var choice in DeviceSelection.Choices) Assert.Contains(choice, error.Message);
    }

    [Fact]
    public void UnknownNameFromTheEnvironmentSaysSo()
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceSelection.Select(null, "tpu"));
        Assert.Contains(DeviceSelection.EnvironmentVariable, error.Message);
    }

    [Fact]
    public void AutoPicksAGpuOrFallsBackToHostSayingWhy()
    {
        var selected = DeviceSelection.Select(null, null);
        using var _ = selected.Kernels;
        output.WriteLine(selected.Reason);
        Assert.NotEqual(BackendKind.IlgpuCpu, selected.Kernels.Kind); // never picked by auto
        Assert.Contains("auto", selected.Reason);
        if (selected.Kernels.Kind == BackendKind.Host)
        {
            // This machine (no GPU): the log must say why CUDA and OpenCL were passed over.
            Assert.Contains("cuda:", selected.Reason);
            Assert.Contains("opencl:", selected.Reason);
        }
    }

    [SkippableFact]
    public void RequestingAMissingGpuIsAClearError()
    {
        using (var probe = IlgpuKernels.TryCreateCuda(out _))
            Skip.If(probe is not null, "this machine has a CUDA device, so there is no missing GPU to report");
        var error = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Select("cuda", null));
        Assert.Contains("cuda", error.Message);
    }

    [Fact]
    public void CpuAcceleratorPassesTheSmokeTest()
    {
        using var cpu = IlgpuKernels.CreateCpu();
        cpu.SmokeTest();
    }
}
