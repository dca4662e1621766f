using System.Text;
using NativeDsp.Experiments.Commands;
using NativeDsp.Experiments.Metrics;
using NativeDsp.Experiments.Text;

namespace NativeDsp.Tests.Experiments.Metrics;

/// <summary>
/// BLEU with sacreBLEU's Python text semantics: str.split() word boundaries, str.lower(), f-string rounding,
/// files read as Python's open(encoding='utf-8', newline='\n') reads them. Handed case bleu-whitespace.
/// </summary>
public sealed class SacreBleuTextTests
{
    [Fact]
    public void Bleu_whitespace_case_tokenize_none_is_100()
    {
        // sacreBLEU 2.6.0: `sacrebleu ref.txt -i hyp.txt --tokenize none` = 100.00 (TAB, U+00A0, U+2003 separate words).
        string dir = HandedCases.Dir("bleu-whitespace");
        var score = BleuCommand.ScoreFiles([Path.Combine(dir, "ref.txt")], Path.Combine(dir, "hyp.txt"), lowercase: false, tokenize13a: false, BleuSmoothing.Exp);
        Assert.StartsWith("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 15 ref_len = 15)", score.ToString());
    }

    [Fact]
    public void Bleu_whitespace_case_13a_separators_are_whitespace()
    {
        // sacreBLEU 2.6.0 with 13a: 100.00 (U+001C and U+001F are whitespace to Python's str.split()).
        string dir = HandedCases.Dir("bleu-whitespace");
        var score = BleuCommand.ScoreFiles([Path.Combine(dir, "ref3.txt")], Path.Combine(dir, "hyp3.txt"), lowercase: false, tokenize13a: true, BleuSmoothing.Exp);
        Assert.Equal("BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)", score.ToString());
    }

    [Theory]
    // Every character Python's str.split() splits on, between two words; none of them is a word of its own.
    [InlineData("\t")] [InlineData("\n")] [InlineData("\u000b")] [InlineData("\u000c")] [InlineData("\r")]
    [InlineData("\u001c")] [InlineData("\u001d")] [InlineData("\u001e")] [InlineData("\u001f")] [InlineData("\u0085")]
    [InlineData("\u00a0")] [InlineData("\u1680")] [InlineData("\u2000")] [InlineData("\u2003")] [InlineData("\u200a")]
    [InlineData("\u2028")] [InlineData("\u2029")] [InlineData("\u202f")] [InlineData("\u205f")] [InlineData("\u3000")]
    public void Every_python_whitespace_separates_words_in_both_tokenizers(string space)
    {
        foreach (bool tok in new[] { false, true })
        {
            var s = CorpusBleu.Compute([$"a{space}b c d e"], [["a b c d e"]], tokenize: tok);
            Assert.Equal((5L, 100.0), (s.HypothesisLength, Math.Round(s.Score, 9)));
        }
    }

    [Theory]
    // Not whitespace to Python: they stay inside the word (so the hypothesis has 4 words and misses).
    [InlineData("\u200b")] [InlineData("\ufeff")] [InlineData("\u180e")] [InlineData("\u0000")]
    public void Format_characters_are_not_whitespace(string notSpace)
    {
        var s = CorpusBleu.Compute([$"a{notSpace}b c d e"], [["a b c d e"]], tokenize: false);
        Assert.Equal(4L, s.HypothesisLength);
    }

    [Fact]
    public void Lowercase_is_python_str_lower()
    {
        // Python: "ΟΔΟΣ".lower() == "οδος" (final sigma), "İ".lower() == "i\u0307"; .NET's ToLowerInvariant gives "οδοσ" and "i".
        var greek = CorpusBleu.Compute(["ΟΔΟΣ ΚΑΙ ΑΛΛΑ ΠΟΛΛΑ"], [["οδος και αλλα πολλα"]], lowercase: true);
        Assert.Equal(100, greek.Score, 9);
        var dotted = CorpusBleu.Compute(["İ x y z"], [["i x y z"]], lowercase: true, tokenize: false);
        Assert.Equal(3L, dotted.Correct[0]); // "i\u0307" is not "i": only x, y, z match
    }

    [Fact]
    public void Printed_line_rounds_like_python_f_strings()
    {
        // 12.25 and 0.0625 are exact binary halves: Python's f"{12.25:.1f}" is "12.2", f"{0.0625:.3f}" "0.062"
        // (ties to even); .NET's "0.0" / "0.000" print "12.3" and "0.063".
        var s = new BleuScore(0.125, [12.25, 0.25, 0.05, 2.5], 0.0625, 1, 16, [0, 0, 0, 0], [0, 0, 0, 0]);
        Assert.Equal("BLEU = 0.12 12.2/0.2/0.1/2.5 (BP = 0.062 ratio = 0.062 hyp_len = 1 ref_len = 16)", s.ToString());
    }

    [Theory]
    // (value, digits, python3 format(value, f'.{digits}f')).
    [InlineData(0.125, 2, "0.12")]
    [InlineData(2.5, 0, "2")]
    [InlineData(3.5, 0, "4")]
    [InlineData(0.375, 2, "0.38")]
    [InlineData(1.005, 2, "1.00")]
    [InlineData(-0.0001, 2, "-0.00")]
    [InlineData(-0.0, 2, "-0.00")]
    [InlineData(99.995, 2, "100.00")]
    [InlineData(100.0, 2, "100.00")]
    [InlineData(1e22, 1, "10000000000000000000000.0")]
    [InlineData(5e-324, 3, "0.000")]
    [InlineData(0.0625, 3, "0.062")]
    [InlineData(12.345, 1, "12.3")]
    [InlineData(0.05, 1, "0.1")]
    [InlineData(0.15, 1, "0.1")]
    [InlineData(0.25, 1, "0.2")]
    [InlineData(2.675, 2, "2.67")]
    public void Fixed_formatting_is_pythons(double value, int digits, string expected)
    {
        Assert.Equal(expected, PythonFormat.Fixed(value, digits));
    }

    [Fact]
    public void Byte_order_mark_is_kept_as_a_character_like_sacrebleu()
    {
        // Python's open(encoding='utf-8') keeps U+FEFF; it is not whitespace, so "\ufeffthe" != "the".
        string dir = Path.Combine(Path.GetTempPath(), $"nativedsp-bom-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string r = Path.Combine(dir, "ref.txt"), h = Path.Combine(dir, "hyp.txt"), hb = Path.Combine(dir, "hyp-bom.txt");
            File.WriteAllText(r, "the cat sat down\n", new UTF8Encoding(false));
            File.WriteAllText(h, "the cat sat down\n", new UTF8Encoding(false));
            File.WriteAllText(hb, "the cat sat down\n", new UTF8Encoding(true));
            Assert.Equal(100, BleuCommand.ScoreFiles([r], h, false, true, BleuSmoothing.Exp).Score, 9);
            var withBom = BleuCommand.ScoreFiles([r], hb, false, true, BleuSmoothing.Exp);
            Assert.Equal(3L, withBom.Correct[0]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
