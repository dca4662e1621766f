using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Sword;

namespace NativeDsp.Tests.Experiments.Data;

public class ZTextModuleTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void RoundTripsEntriesAcrossBlocks(int entriesPerBlock)
    {
        using var dir = new TempDir();
        var ot = new List<string> { "", "<milestone/>", "In the beginning", "", "Y dijo Dios: Sea la luz: y fué la luz. ¿Quién? ¡Amén!", new string('x', 5000) };
        var nt = new List<string> { "", "first", "second with <w lemma=\"strong:G1\">markup</w>" };
        ZTextTestWriter.Write(dir.Path, ot, nt, entriesPerBlock);

        var m = ZTextModule.Open(dir.Path);
        Assert.Equal(ot.Count, m.EntryCount(0));
        Assert.Equal(nt.Count, m.EntryCount(1));
        for (int i = 0; i < ot.Count; i++) Assert.Equal(ot[i], m.Entry(0, i));
        for (int i = 0; i < nt.Count; i++) Assert.Equal(nt[i], m.Entry(1, i));
    }

    [Fact]
    public void IndexOutOfRangeNamesTheModule()
    {
        using var dir = new TempDir();
        ZTextTestWriter.Write(dir.Path, ["", "a"], ["", "b"], 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ZTextModule.Open(dir.Path).Entry(0, 2));
        Assert.Contains("has 2 entries", e.Message);
    }

    [Fact]
    public void MissingDirectoryAndFilesGetOneClearMessage()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataInputException>(() => ZTextModule.Open(dir.File("nope")));
        Assert.Contains("not found", e.Message);
        ZTextTestWriter.Write(dir.Path, ["", "a"], ["", "b"], 2);
        File.Delete(dir.File("nt.bzz"));
        e = Assert.Throws<DataInputException>(() => ZTextModule.Open(dir.Path));
        Assert.Contains("nt.bzz", e.Message);
    }

    [Fact]
    public void TruncatedIndexAndCorruptBlockAreReported()
    {
        using var dir = new TempDir();
        ZTextTestWriter.Write(dir.Path, ["", "a", "b"], ["", "c"], 2);
        File.WriteAllBytes(dir.File("ot.bzv"), File.ReadAllBytes(dir.File("ot.bzv"))[..^3]);
        var e = Assert.Throws<DataInputException>(() => ZTextModule.Open(dir.Path));
        Assert.Contains("not a multiple of 10", e.Message);

        ZTextTestWriter.Write(dir.Path, ["", "a", "b"], ["", "c"], 2);
        var bzz = File.ReadAllBytes(dir.File("nt.bzz"));
        Array.Fill(bzz, (byte)0xFF, 2, bzz.Length - 2);
        File.WriteAllBytes(dir.File("nt.bzz"), bzz);
        e = Assert.Throws<DataInputException>(() => ZTextModule.Open(dir.Path).Entry(1, 1));
        Assert.Contains("does not decompress", e.Message);
    }
}
