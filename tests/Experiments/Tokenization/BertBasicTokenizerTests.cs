using System.Globalization;
using System.Text;
using System.Text.Json;
using NativeDsp.Experiments.Text;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Model.Pretrained.Import;

namespace NativeDsp.Tests.Experiments.Tokenization;

/// <summary>
/// BERT uncased tokenisation (basic + WordPiece on MiniLM's vocabulary) against the reference: the handed cases
/// and a table of 2,846 strings over every Unicode general category and many scripts, whose expected tokens
/// were computed by the reference algorithm (tests/Experiments/Tokenization/Data/generate_bert_table.py, Python 3.11,
/// Unicode 14.0).
/// </summary>
public sealed class BertBasicTokenizerTests
{
    static readonly Lazy<WordPieceSubwordTokenizer> MiniLm = new(() => WordPieceSubwordTokenizer.FromVocabulary(MiniLmImporter.ReadVocabulary()));

    [Theory]
    [InlineData("bert-symbols")]
    [InlineData("bert-control-whitespace")]
    [InlineData("bert-format-chars")]
    public void Handed_case_gives_the_reference_tokens(string caseName)
    {
        string dir = HandedCases.Dir(caseName);
        var inputs = File.ReadAllLines(Path.Combine(dir, "inputs.txt"), Encoding.UTF8);
        var expected = File.ReadAllLines(Path.Combine(dir, "expected_tokens.txt"), Encoding.UTF8);
        Assert.Equal(expected.Length, inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
            Assert.Equal(expected[i], string.Join(' ', MiniLm.Value.EncodeToTokens(HandedCases.DecodePythonEscapes(inputs[i]))));
    }

    [Fact]
    public void Generated_table_of_every_category_and_script_matches_the_reference()
    {
        var rows = File.ReadAllLines(DataFile("bert_basic_table.jsonl"));
        Assert.True(rows.Length >= 2000, $"{rows.Length} rows");
        var failures = new List<string>();
        foreach (string row in rows)
        {
            using var doc = JsonDocument.Parse(row);
            string text = doc.RootElement.GetProperty("text").GetString()!;
            var expected = doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
            var actual = MiniLm.Value.EncodeToTokens(text);
            if (!expected.SequenceEqual(actual))
                failures.Add($"{Escape(text)}: expected [{string.Join(' ', expected)}] got [{string.Join(' ', actual)}]");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {rows.Length} differ:\n" + string.Join('\n', failures.Take(30)));
    }

    [Fact]
    public void Ids_are_the_vocabulary_positions_of_the_tokens()
    {
        var tok = MiniLm.Value;
        const string text = "Ő ΆΣ 한국어 naïve 20°C 𠀀 x\u200by";
        Assert.Equal(tok.EncodeToTokens(text), tok.Encode(text).Select(tok.TokenOf));
    }

    [Fact]
    public void Word_over_100_code_points_is_unknown_counted_in_code_points()
    {
        // 60 astral letters are 120 UTF-16 units but 60 code points: the reference (Python) does not call them long.
        var tok = MiniLm.Value;
        Assert.Equal(["[UNK]"], tok.EncodeToTokens(new string('a', 101)));
        Assert.NotEqual(["[UNK]"], tok.EncodeToTokens(new string('a', 100)));
        Assert.Equal(tok.EncodeToTokens("aaaa"), tok.EncodeToTokens("AAAA"));
    }

    [Fact]
    public void Accents_of_every_script_are_stripped_and_sigma_is_final_where_python_says()
    {
        Assert.Equal(["o"], BertPreTokenizer.Split("Ő"));
        Assert.Equal(["οδος", "σας", "."], BertPreTokenizer.Split("ΟΔΌΣ ΣΑΣ.")); // str.lower: final ς at the end of a word only
        Assert.Equal(["\u1112\u1161\u11ab"], BertPreTokenizer.Split("한")); // Hangul syllable -> conjoining jamo (Lo, kept)
        Assert.Equal(["i"], BertPreTokenizer.Split("İ")); // lower() gives i + U+0307, whose mark NFD keeps and the strip drops
    }

    internal static string DataFile(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Experiments", "Tokenization", "Data", name);
        Assert.True(File.Exists(path), $"generated table missing from the test output: {path}");
        return path;
    }

    internal static string Escape(string s) =>
        string.Concat(s.EnumerateRunes().Select(r => r.Value is >= 0x20 and < 0x7F ? r.ToString() : $"\\u{r.Value:X4}"));
}
