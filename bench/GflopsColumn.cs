using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NativeDsp.Bench;

/// <summary>
/// A "GFLOP/s" column: floating-point operations of one benchmark call divided by its mean time.
/// A benchmark class opts in with <c>public static double Flops(BenchmarkCase)</c>, which knows its own
/// operation count (2 n^3 for a GEMM, the FMA count of the peak loop).
/// </summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second (one FMA = 2), from the mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        var flops = benchmarkCase.Descriptor.Type.GetMethod("Flops", BindingFlags.Public | BindingFlags.Static);
        if (statistics is null || flops is null) return "-";
        double count = (double)flops.Invoke(null, new object[] { benchmarkCase })!;
        return (count / statistics.Mean).ToString("F1", CultureInfo.InvariantCulture); // flops per ns = GFLOP/s
    }

    public override string ToString() => ColumnName;
}
