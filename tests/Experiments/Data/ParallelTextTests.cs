using System.IO.Compression;
using System.Text;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;

namespace NativeDsp.Tests.Experiments.Data;

/// <summary>Plain parallel files (bring-your-own MT data): pairing, .gz, fairseq's layout, and every refusal naming file and line.</summary>
public sealed class ParallelTextTests
{
    [Fact]
    public void Reads_line_pairs_plain_and_gzipped()
    {
        using var dir = new TempDir();
        var src = dir.Write("a.de", "Hallo Welt\r\n  Guten Tag \nDanke");
        var tgt = Gzip(dir.File("a.en.gz"), "Hello world\nGood day\nThanks\n");
        var pairs = ParallelText.Read(src, tgt, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal([("1", "Hallo Welt", "Hello world"), ("2", "Guten Tag", "Good day"), ("3", "Danke", "Thanks")],
                     pairs.Select(p => (p.Id, p.Source, p.Target)));
    }

    [Fact]
    public void Unequal_line_counts_are_refused_naming_both_files_and_counts()
    {
        using var dir = new TempDir();
        var src = dir.Write("train.de", "a\nb\nc\nd\n");
        var tgt = dir.Write("train.en", "a\nb\nc\n");
        var e = Assert.Throws<DataInputException>(() => ParallelText.Read(src, tgt, new BadLineLog(BadLinePolicy.Error)));
        Assert.Equal($"{src} has 4 lines but {tgt} has 3: parallel files must have one sentence a line on both sides", e.Message);
    }

    [Fact]
    public void Empty_sentence_names_file_and_line_and_skip_counts_it()
    {
        using var dir = new TempDir();
        var src = dir.Write("s", "a\nb\nc\n");
        var tgt = dir.Write("t", "x\n   \nz\n");
        var e = Assert.Throws<DataInputException>(() => ParallelText.Read(src, tgt, new BadLineLog(BadLinePolicy.Error)));
        Assert.StartsWith($"{tgt}:2: empty sentence", e.Message);
        var log = new BadLineLog(BadLinePolicy.Skip);
        Assert.Equal(2, ParallelText.Read(src, tgt, log).Count);
        Assert.Equal(1, log.Count);
    }

    [Fact]
    public void Empty_file_and_invalid_utf8_are_refused_with_file_and_line()
    {
        using var dir = new TempDir();
        var src = dir.Write("s", "a\nb\n");
        var empty = dir.Write("empty", "");
        Assert.Equal($"{empty}: target file is empty", Assert.Throws<DataInputException>(() => ParallelText.Read(src, empty, new BadLineLog(BadLinePolicy.Error))).Message);
        string bad = dir.File("latin1");
        File.WriteAllBytes(bad, [(byte)'o', (byte)'k', (byte)'\n', 0x63, 0x61, 0x66, 0xE9, (byte)'\n']);
        var e = Assert.Throws<DataInputException>(() => ParallelText.Read(src, bad, new BadLineLog(BadLinePolicy.Error)));
        Assert.StartsWith($"{bad}:2: not valid UTF-8", e.Message);
    }

    [Fact]
    public void Fairseq_layout_finds_plain_and_gz_files_and_names_a_missing_one()
    {
        using var dir = new TempDir();
        dir.Write("train.de", "a\n");
        dir.Write("train.en", "b\n");
        Gzip(dir.File("test.de.gz"), "c\n");
        dir.Write("test.en", "d\n");
        var corpus = MtCorpus.FromFairseqLayout(dir.Path, "de", "en");
        Assert.Equal(dir.File("test.de.gz"), corpus.Test.Source);
        Assert.Null(corpus.Valid);
        dir.Write("valid.de", "e\n"); // valid.en missing: half a split is an error, not silently ignored
        var e = Assert.Throws<DataInputException>(() => MtCorpus.FromFairseqLayout(dir.Path, "de", "en"));
        Assert.StartsWith($"{dir.File("valid.en")}: not found", e.Message);
    }

    static string Gzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }
}
