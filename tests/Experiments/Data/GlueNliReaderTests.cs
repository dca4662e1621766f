using NativeDsp.Experiments.Data;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;

namespace NativeDsp.Tests.Experiments.Data;

/// <summary>
/// NLI files as released: GLUE's SNLI/MNLI tsv (varying annotator labels, gold label last), SNLI/MultiNLI txt
/// and jsonl. Handed case glue-snli-rows.
/// </summary>
public sealed class GlueNliReaderTests
{
    const string SnliGlueHeader = "index\tcaptionID\tpairID\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label";
    const string MnliGlueDevHeader = "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label";

    [Theory]
    [InlineData("nli/lexnli.train.tsv.gz")]
    [InlineData("nli/lexnli.valid.tsv.gz")]
    [InlineData("nli/lexnli.test.tsv.gz")]
    [InlineData("train.tsv")]
    [InlineData("valid.tsv")]
    [InlineData("test.tsv")]
    public void Glue_snli_rows_case_reads_four_examples_and_rejects_no_line(string file)
    {
        // BadLinePolicy.Error: any rejected line would throw with file:line.
        var f = NliReader.Read(Path.Combine(HandedCases.Dir("glue-snli-rows"), "data", file), new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(4, f.Examples.Count);
        Assert.Equal((2, 1, 1), (f.Examples.Count(e => e.Label == NliLabel.Entailment), f.Examples.Count(e => e.Label == NliLabel.Neutral),
            f.Examples.Count(e => e.Label == NliLabel.Contradiction)));
        Assert.Equal(0, f.WithoutGoldLabel);
    }

    [Fact]
    public void Glue_snli_rows_case_data_stats_counts_four_per_split()
    {
        var w = new StringWriter();
        DataStats.PrintNli(Path.Combine(HandedCases.Dir("glue-snli-rows"), "data", "nli"), BadLinePolicy.Error, w);
        string text = w.ToString();
        foreach (string split in new[] { "train", "valid", "test" })
            Assert.Matches($@"(?m)^{split}\s+4\s+2\s+1\s+1\s", text);
        Assert.DoesNotContain("skipped", text);
    }

    [Fact]
    public void Gold_label_is_the_last_field_whatever_the_number_of_annotator_labels()
    {
        using var dir = new TempDir();
        // Row 2: one annotator; row 3: five, whose majority (label1..5) differs from the gold by construction here
        // so that reading label2 (the header's gold_label position) would be caught; row 4: '-' (no consensus).
        string p = dir.Write("train.tsv", SnliGlueHeader + "\n" +
            "0\tc\tp0\t(a)\t(b)\t(A)\t(B)\tA dog runs.\tAn animal runs.\tentailment\tentailment\n" +
            "1\tc\tp1\t(a)\t(b)\t(A)\t(B)\tA man sleeps.\tA man is awake.\tneutral\tneutral\tcontradiction\tneutral\tneutral\tcontradiction\n" +
            "2\tc\tp2\t(a)\t(b)\t(A)\t(B)\tTwo kids.\tSiblings.\tneutral\tentailment\tcontradiction\tentailment\tneutral\t-\n");
        var f = NliReader.Read(p, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal([("p0", NliLabel.Entailment), ("p1", NliLabel.Contradiction)], f.Examples.Select(e => (e.Id, e.Label)));
        Assert.Equal("A man is awake.", f.Examples[1].Hypothesis);
        Assert.Equal(1, f.WithoutGoldLabel);
    }

    [Fact]
    public void Glue_mnli_dev_matched_and_mismatched_read_with_genre()
    {
        using var dir = new TempDir();
        foreach (string name in new[] { "dev_matched.tsv", "dev_mismatched.tsv.gz" })
        {
            string content = MnliGlueDevHeader + "\n" +
                "0\t1\t1n\tfiction\t(x)\t(y)\t(X)\t(Y)\tThe \"quoted text is fine\tHe said so.\tneutral\tneutral\tentailment\tneutral\tneutral\tneutral\n" +
                "1\t2\t2c\ttravel\t(x)\t(y)\t(X)\t(Y)\tThe hotel is old.\tThe hotel is new.\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction\tcontradiction\n";
            string p = dir.File(name);
            if (name.EndsWith(".gz")) { using var w = TextFiles.OpenWrite(p); w.Write(content); }
            else File.WriteAllText(p, content);
            var f = NliReader.Read(p, new BadLineLog(BadLinePolicy.Error));
            Assert.Equal([NliLabel.Neutral, NliLabel.Contradiction], f.Examples.Select(e => e.Label));
            Assert.Equal("The \"quoted text is fine", f.Examples[0].Premise); // no CSV quoting, as GLUE's readers (quotechar=None)
        }
    }

    [Fact]
    public void Glue_test_file_without_labels_is_refused_with_the_reason()
    {
        using var dir = new TempDir();
        string p = dir.Write("test_matched.tsv", "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\n0\t1\t1\tfiction\t(x)\t(y)\t(X)\t(Y)\ta\tb\n");
        var e = Assert.Throws<DataInputException>(() => NliReader.Read(p, new BadLineLog(BadLinePolicy.Skip)));
        Assert.StartsWith($"{p}:1: a GLUE test file: it has no labels", e.Message);
    }

    [Fact]
    public void Row_with_too_many_fields_is_named_by_file_and_line()
    {
        using var dir = new TempDir();
        string p = dir.Write("dev.tsv", SnliGlueHeader + "\n" +
            "0\tc\tp0\t(a)\t(b)\t(A)\t(B)\tA.\tB.\te\te\te\te\te\te\tentailment\n");
        var e = Assert.Throws<DataInputException>(() => NliReader.Read(p, new BadLineLog(BadLinePolicy.Error)));
        Assert.Equal($"{p}:2: expected 11 to 15 tab-separated fields (GLUE rows: 1 to 5 annotator labels, then the gold label), got 16", e.Message);
    }

    [Fact]
    public void Multinli_txt_and_jsonl_and_sniffed_content()
    {
        using var dir = new TempDir();
        string txt = dir.Write("multinli_1.0_dev_matched.txt",
            "gold_label\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tpromptID\tpairID\tgenre\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\n" +
            "neutral\t(x)\t(y)\t(X)\t(Y)\tA.\tB.\t1\t1n\tslate\tneutral\tentailment\tneutral\tneutral\tneutral\n" +
            "-\t(x)\t(y)\t(X)\t(Y)\tC.\tD.\t2\t2n\tslate\tneutral\tentailment\tcontradiction\t\t\n");
        var t = NliReader.Read(txt, new BadLineLog(BadLinePolicy.Error));
        Assert.Equal(("1n", NliLabel.Neutral), (Assert.Single(t.Examples).Id, t.Examples[0].Label));
        Assert.Equal(1, t.WithoutGoldLabel);

        string jsonl = "{\"annotator_labels\": [\"entailment\"], \"genre\": \"government\", \"gold_label\": \"entailment\", \"pairID\": \"9n\", \"promptID\": \"9\", \"sentence1\": \"A.\", \"sentence2\": \"B.\"}\n";
        Assert.Single(NliReader.Read(dir.Write("multinli_1.0_train.jsonl", jsonl), new BadLineLog(BadLinePolicy.Error)).Examples);
        // No telling extension: the first line says JSON lines, or a tab-separated header.
        Assert.Single(NliReader.Read(dir.Write("mnli-train.data", jsonl), new BadLineLog(BadLinePolicy.Error)).Examples);
        Assert.Single(NliReader.Read(dir.Write("mnli-dev", File.ReadAllText(txt)), new BadLineLog(BadLinePolicy.Error)).Examples);
    }
}
