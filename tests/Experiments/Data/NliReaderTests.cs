using System.IO.Compression;
using System.Text;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;

namespace NativeDsp.Tests.Experiments.Data;

public class NliReaderTests
{
    const string SnliJsonl = """
        {"annotator_labels": ["neutral"], "captionID": "3416050480.jpg#4", "gold_label": "neutral", "pairID": "3416050480.jpg#4r1n", "sentence1": "A person on a horse jumps over a broken down airplane.", "sentence2": "A person is training his horse for a competition."}
        {"annotator_labels": ["contradiction"], "gold_label": "contradiction", "pairID": "p2", "sentence1": "A person on a horse jumps.", "sentence2": "A person is at a diner."}
        {"gold_label": "-", "pairID": "p3", "sentence1": "Two women.", "sentence2": "Two people."}
        {"gold_label": "entailment", "pairID": "p4", "sentence1": "Children smiling.", "sentence2": "Kids are happy."}
        """;

    [Fact]
    public void ReadsSnliJsonlAndCountsPairsWithoutGoldLabel()
    {
        using var dir = new TempDir();
        var f = NliReader.Read(dir.Write("snli_1.0_dev.jsonl", SnliJsonl), new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(3, f.Examples.Count);
        Assert.Equal(1, f.WithoutGoldLabel);
        Assert.Equal(new NliExample("3416050480.jpg#4r1n", "A person on a horse jumps over a broken down airplane.", "A person is training his horse for a competition.", NliLabel.Neutral), f.Examples[0]);
        Assert.Equal([NliLabel.Neutral, NliLabel.Contradiction, NliLabel.Entailment], f.Examples.Select(e => e.Label));
    }

    [Fact]
    public void ReadsHuggingFaceStyleJsonlWithNumericLabels()
    {
        using var dir = new TempDir();
        string p = dir.Write("mnli.jsonl", "{\"premise\": \"a\", \"hypothesis\": \"b\", \"label\": 2, \"idx\": 0}\n{\"premise\": \"c\", \"hypothesis\": \"d\", \"label\": -1, \"idx\": 1}\n");
        var f = NliReader.Read(p, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(NliLabel.Contradiction, Assert.Single(f.Examples).Label);
        Assert.Equal(1, f.WithoutGoldLabel);
    }

    [Fact]
    public void ReadsSnliTxtAndGlueMnliTsvByHeader()
    {
        using var dir = new TempDir();
        string snli = dir.Write("snli_1.0_test.txt",
            "gold_label\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tcaptionID\tpairID\tlabel1\n" +
            "entailment\t( A b )\t( C d )\t(ROOT)\t(ROOT)\tA man eats.\tSomeone eats.\tc1\tp1\tentailment\n" +
            "-\t( A b )\t( C d )\t(ROOT)\t(ROOT)\tA man.\tA dog.\tc2\tp2\tneutral\n");
        var f = NliReader.Read(snli, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(new NliExample("p1", "A man eats.", "Someone eats.", NliLabel.Entailment), Assert.Single(f.Examples));
        Assert.Equal(1, f.WithoutGoldLabel);

        string glue = dir.Write("dev_matched.tsv",
            "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n" +
            "0\t31193\t31193n\tgovernment\t(x)\t(y)\t(X)\t(Y)\tThe new rights are nice enough\tEveryone really likes the newest benefits \tneutral\tneutral\n");
        var g = NliReader.Read(glue, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(NliLabel.Neutral, Assert.Single(g.Examples).Label);
        Assert.Equal("31193n", g.Examples[0].Id);
    }

    [Fact]
    public void MalformedLinesStopWithFileAndLineOrAreSkippedAndCounted()
    {
        using var dir = new TempDir();
        string p = dir.Write("bad.jsonl",
            "{\"gold_label\": \"entailment\", \"sentence1\": \"a\", \"sentence2\": \"b\"}\n" +
            "{\"gold_label\": \"entailment\", \"sentence1\": \"a\"\n" +
            "{\"gold_label\": \"maybe\", \"sentence1\": \"a\", \"sentence2\": \"b\"}\n" +
            "{\"gold_label\": \"neutral\", \"sentence2\": \"b\"}\n" +
            "[1, 2]\n");
        var e = Assert.Throws<DataInputException>(() => NliReader.Read(p, new BadLineLog(BadLinePolicy.Error)));
        Assert.StartsWith($"{p}:2: bad JSON", e.Message);

        var log = new BadLineLog(BadLinePolicy.Skip);
        var f = NliReader.Read(p, log);
        Assert.Single(f.Examples);
        Assert.Equal(4, log.Count);
        Assert.Equal($"{p}:3: unknown label 'maybe'", log.FirstReasons[1]);
        Assert.Equal($"{p}:4: missing field 'sentence1' (or 'premise')", log.FirstReasons[2]);
        Assert.Equal($"{p}:5: expected a JSON object", log.FirstReasons[3]);
        Assert.StartsWith($"{p}: skipped 4 malformed lines (first: {p}:2: bad JSON", log.Summary(p));
    }

    [Fact]
    public void WrongFieldCountAndMissingColumnsInTsv()
    {
        using var dir = new TempDir();
        string p = dir.Write("x.tsv", "id\tpremise\thypothesis\tlabel\trule\tedit\na\tp\th\tentailment\thypernym\tdog -> animal\nb\tp\th\tneutral\n");
        var e = Assert.Throws<DataInputException>(() => NliReader.Read(p, new BadLineLog(BadLinePolicy.Error)));
        Assert.Equal($"{p}:3: expected 6 tab-separated fields as in the header, got 4", e.Message);
        var ok = NliReader.Read(p, new BadLineLog(BadLinePolicy.Skip));
        Assert.Equal(new NliExample("a", "p", "h", NliLabel.Entailment, "hypernym", "dog -> animal"), Assert.Single(ok.Examples));

        string test = dir.Write("test_matched.tsv", "index\tpairID\tsentence1\tsentence2\n0\tp\ta\tb\n");
        var noLabel = Assert.Throws<DataInputException>(() => NliReader.Read(test, new BadLineLog(BadLinePolicy.Skip)));
        Assert.Contains("no gold_label/label column", noLabel.Message);
    }

    [Fact]
    public void GeneratedFormatRoundTripsThroughGzip()
    {
        using var dir = new TempDir();
        var examples = new List<NliExample>
        {
            new("ca01.1.0.e", "The dog barked.", "The animal barked.", NliLabel.Entailment, "hypernym", "dog -> animal"),
            new("ca01.1.0.n", "The dog barked.", "The puppy barked.", NliLabel.Neutral, "hyponym", "dog -> puppy"),
            new("ca01.1.0.c", "The dog barked.", "The dog did not bark.", NliLabel.Contradiction, "negation", "barked -> did not bark"),
        };
        string p = dir.File("x.tsv.gz");
        NliTsv.Write(p, examples);
        Assert.Equal(examples, NliReader.Read(p, new BadLineLog(BadLinePolicy.Error)).Examples);
    }

    [Fact]
    public void EmptyMissingWrongEncodingAndUnknownTypeGetOneClearMessage()
    {
        using var dir = new TempDir();
        var log = new BadLineLog(BadLinePolicy.Skip);
        Assert.Equal($"{dir.File("none.jsonl")}: file not found", Assert.Throws<DataInputException>(() => NliReader.Read(dir.File("none.jsonl"), log)).Message);
        Assert.Equal($"{dir.Write("empty.jsonl", "")}: file is empty", Assert.Throws<DataInputException>(() => NliReader.Read(dir.File("empty.jsonl"), log)).Message);
        string latin1 = dir.File("latin1.tsv");
        File.WriteAllBytes(latin1, [.. Encoding.UTF8.GetBytes("premise\thypothesis\tlabel\n"), .. "caf"u8, 0xE9, .. "\tb\tneutral\n"u8]);
        Assert.Equal($"{latin1}:2: not valid UTF-8 (convert the file to UTF-8, e.g. with iconv)", Assert.Throws<DataInputException>(() => NliReader.Read(latin1, log)).Message);
        Assert.Contains("unknown NLI file type", Assert.Throws<DataInputException>(() => NliReader.Read(dir.Write("x.csv", "a"), log)).Message);
        string emptyGz = dir.File("empty.tsv.gz");
        using (var gz = new GZipStream(File.Create(emptyGz), CompressionLevel.Fastest)) { }
        Assert.Equal($"{emptyGz}: file is empty", Assert.Throws<DataInputException>(() => NliReader.Read(emptyGz, log)).Message);
        Assert.Contains("not a valid gzip file", Assert.Throws<DataInputException>(() => NliReader.Read(dir.Write("fake.tsv.gz", "plain text"), log)).Message);
    }
}
