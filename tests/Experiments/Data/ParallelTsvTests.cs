using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;

namespace NativeDsp.Tests.Experiments.Data;

public class ParallelTsvTests
{
    [Fact]
    public void RoundTripsThroughGzip()
    {
        using var dir = new TempDir();
        var pairs = new List<ParallelPair> { new("Gen.1.1", "En el principio crió Dios.", "In the beginning God created."), new("John.3.16", "¿Quién?", "Who?") };
        string p = dir.File("x.tsv.gz");
        ParallelTsv.Write(p, "es", "en", pairs);
        var (s, t, read) = ParallelTsv.Read(p, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(("es", "en"), (s, t));
        Assert.Equal(pairs, read);
    }

    [Fact]
    public void MalformedLinesAreReportedOrSkippedWithACount()
    {
        using var dir = new TempDir();
        string p = dir.Write("x.tsv", "id\tes\ten\nGen.1.1\tuno\tone\nGen.1.2\tdos\nGen.1.3\t\tthree\nGen.1.4\tcuatro\tfour\n");
        var e = Assert.Throws<DataInputException>(() => ParallelTsv.Read(p, new BadLineLog(BadLinePolicy.Error)));
        Assert.Equal($"{p}:3: expected 3 tab-separated fields, got 2", e.Message);
        var log = new BadLineLog(BadLinePolicy.Skip);
        var (_, _, pairs) = ParallelTsv.Read(p, log);
        Assert.Equal(["Gen.1.1", "Gen.1.4"], pairs.Select(x => x.Id));
        Assert.Equal(2, log.Count);
        Assert.Equal($"{p}:4: empty sentence", log.FirstReasons[1]);
        Assert.Equal($"{p}: skipped 2 malformed lines (first: {p}:3: expected 3 tab-separated fields, got 2)", log.Summary(p));
        Assert.Contains("expected the header", Assert.Throws<DataInputException>(() => ParallelTsv.Read(dir.Write("h.tsv", "a\tb\n"), log)).Message);
    }

    [Fact]
    public void BadLinePolicyParsesOnlyItsTwoValues()
    {
        // The command line spells the policy as EnumText spells it; anything else is refused there (CliErrorTests).
        Assert.Equal(BadLinePolicy.Skip, NativeDsp.Experiments.Runs.EnumText.Parse<BadLinePolicy>("skip"));
        Assert.Equal(BadLinePolicy.Error, NativeDsp.Experiments.Runs.EnumText.Parse<BadLinePolicy>("error"));
        Assert.Throws<ArgumentException>(() => NativeDsp.Experiments.Runs.EnumText.Parse<BadLinePolicy>("ignore"));
    }
}
