using NativeDsp.Kernels.Host;

namespace NativeDsp.Tests.Kernels;

/// <summary>
/// The GEMM's block sizes come from the machine's caches (<see cref="CpuCaches"/>, <see cref="GemmBlockSizes"/>):
/// sysfs parsing on a fake directory, the fallback when it is missing, and the derivation rules
/// (packed B micro-panel within L1, packed A block within half of L2, blocks on whole register tiles).
/// </summary>
public class GemmBlockSizesTests
{
    static string FakeSysfs(params (int Level, string Type, string Size, string? Shared)[] caches)
    {
        var root = Path.Combine(Path.GetTempPath(), "nativedsp-cache-" + Guid.NewGuid().ToString("N"));
        for (int i = 0; i < caches.Length; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, $"index{i}")).FullName;
            File.WriteAllText(Path.Combine(dir, "level"), caches[i].Level + "\n");
            File.WriteAllText(Path.Combine(dir, "type"), caches[i].Type + "\n");
            File.WriteAllText(Path.Combine(dir, "size"), caches[i].Size + "\n");
            if (caches[i].Shared is { } shared) File.WriteAllText(Path.Combine(dir, "shared_cpu_list"), shared + "\n");
        }
        return root;
    }

    [Fact]
    public void ReadsSysfsAndSplitsTheSharedL3()
    {
        var dir = FakeSysfs((1, "Data", "48K", null), (1, "Instruction", "32K", null), (2, "Unified", "1024K", null),
                            (3, "Unified", "32M", "0-7,16-23"));
        try
        {
            var caches = CpuCaches.Read(dir);
            Assert.Equal(48 << 10, caches.L1Data);
            Assert.Equal(1 << 20, caches.L2);
            Assert.Equal((32 << 20) / 16, caches.L3PerCore);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void MissingOrBrokenSysfsFallsBack()
    {
        Assert.Same(CpuCaches.Fallback, CpuCaches.Read("/nonexistent/cache"));
        var dir = FakeSysfs((1, "Data", "lots", null));
        try { Assert.Same(CpuCaches.Fallback, CpuCaches.Read(dir)); }
        finally { Directory.Delete(dir, true); }
    }

    public static TheoryData<VectorWidth, int, int, int> Machines() => new()
    {
        { VectorWidth.Bits128, 32 << 10, 256 << 10, 1 << 20 },
        { VectorWidth.Bits256, 32 << 10, 512 << 10, 2 << 20 },
        { VectorWidth.Bits256, 48 << 10, 1 << 20, 4 << 20 },
        { VectorWidth.Bits512, 48 << 10, 2 << 20, 1 << 20 },
        { VectorWidth.Bits512, 16 << 10, 128 << 10, 512 << 10 },
    };

    [Theory, MemberData(nameof(Machines))]
    public void DerivedSizesFollowTheCaches(VectorWidth width, int l1, int l2, int l3)
    {
        var s = GemmBlockSizes.Derive(width, new CpuCaches(l1, l2, l3, "test"), threads: 2);
        Assert.Equal(width, s.Width);
        Assert.Equal(0, s.MC % s.MR);
        Assert.Equal(0, s.NC % s.NR);
        Assert.Equal(0, s.NR % ((int)width / 32));
        Assert.InRange(s.KC, 128, 512);
        // The B micro-panel fits twice L1 unless the lower clamp binds; the A block fits half of L2 unless it is one panel.
        if (s.KC > 128) Assert.True(s.KC * s.NR * sizeof(float) <= 2 * l1, $"KC {s.KC} x NR {s.NR} exceeds twice L1 {l1}");
        if (s.MC > s.MR) Assert.True(s.MC * s.KC * sizeof(float) <= l2 / 2, $"MC {s.MC} x KC {s.KC} exceeds half of L2 {l2}");
        Assert.True(s.MC + s.MR > l2 / 2 / (s.KC * sizeof(float)), "MC is not the largest multiple of MR that fits");
    }

    [Fact]
    public void EveryWidthTheCpuRunsHasSizesAndWiderOnesAreRefused()
    {
        foreach (var width in VectorWidths.Supported)
            Assert.Equal(width, new HostKernels(width).GemmSizes.Width);
        if (VectorWidths.Hardware < VectorWidth.Bits512)
            Assert.Throws<ArgumentOutOfRangeException>(() => new HostKernels(VectorWidth.Bits512));
    }
}
