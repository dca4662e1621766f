using System.Globalization;
using System.Text.Json;
using NativeDsp.Experiments.Text;

namespace NativeDsp.Tests.Experiments.Tokenization;

/// <summary>
/// The Unicode facts the BERT table depends on, as Python 3.11 (Unicode 14.0) has them
/// (tests/Experiments/Tokenization/Data/bert_unicode_data.json), against what the project uses: .NET 10's general
/// categories and simple case mapping (Unicode 16.0), ICU4N's NFD (Unicode 10.0). A disagreement is a code point
/// the two references treat differently; the generator must leave it out of the table, with the reason.
/// </summary>
public sealed class PythonUnicodeDataTests
{
    static readonly Lazy<JsonElement> Facts = new(() =>
        JsonDocument.Parse(File.ReadAllText(BertBasicTokenizerTests.DataFile("bert_unicode_data.json"))).RootElement);

    static readonly Dictionary<UnicodeCategory, string> Abbreviation = new()
    {
        [UnicodeCategory.UppercaseLetter] = "Lu", [UnicodeCategory.LowercaseLetter] = "Ll", [UnicodeCategory.TitlecaseLetter] = "Lt",
        [UnicodeCategory.ModifierLetter] = "Lm", [UnicodeCategory.OtherLetter] = "Lo", [UnicodeCategory.NonSpacingMark] = "Mn",
        [UnicodeCategory.SpacingCombiningMark] = "Mc", [UnicodeCategory.EnclosingMark] = "Me", [UnicodeCategory.DecimalDigitNumber] = "Nd",
        [UnicodeCategory.LetterNumber] = "Nl", [UnicodeCategory.OtherNumber] = "No", [UnicodeCategory.SpaceSeparator] = "Zs",
        [UnicodeCategory.LineSeparator] = "Zl", [UnicodeCategory.ParagraphSeparator] = "Zp", [UnicodeCategory.Control] = "Cc",
        [UnicodeCategory.Format] = "Cf", [UnicodeCategory.Surrogate] = "Cs", [UnicodeCategory.PrivateUse] = "Co",
        [UnicodeCategory.ConnectorPunctuation] = "Pc", [UnicodeCategory.DashPunctuation] = "Pd", [UnicodeCategory.OpenPunctuation] = "Ps",
        [UnicodeCategory.ClosePunctuation] = "Pe", [UnicodeCategory.InitialQuotePunctuation] = "Pi", [UnicodeCategory.FinalQuotePunctuation] = "Pf",
        [UnicodeCategory.OtherPunctuation] = "Po", [UnicodeCategory.MathSymbol] = "Sm", [UnicodeCategory.CurrencySymbol] = "Sc",
        [UnicodeCategory.ModifierSymbol] = "Sk", [UnicodeCategory.OtherSymbol] = "So", [UnicodeCategory.OtherNotAssigned] = "Cn",
    };

    [Fact]
    public void Table_is_from_unicode_14()
    {
        Assert.Equal("14.0.0", Facts.Value.GetProperty("unidata_version").GetString());
    }

    [Fact]
    public void Categories_of_the_table_agree_with_dotnet()
    {
        var differ = new List<string>();
        var categories = Facts.Value.GetProperty("category");
        foreach (var p in categories.EnumerateObject())
        {
            int cp = int.Parse(p.Name, NumberStyles.HexNumber);
            string net = Abbreviation[PythonStr.Category(cp)];
            if (net != p.Value.GetString()) differ.Add($"U+{cp:X4} python {p.Value.GetString()} .NET {net}");
        }
        Assert.True(categories.EnumerateObject().Select(p => p.Value.GetString()).Distinct().Count() == 29, "the table should use every category but Cs");
        Assert.True(differ.Count == 0, string.Join('\n', differ));
    }

    [Fact]
    public void Nfd_agrees_with_python_on_every_decomposable_code_point()
    {
        var differ = new List<string>();
        int n = 0;
        foreach (var p in Facts.Value.GetProperty("nfd").EnumerateObject())
        {
            n++;
            string input = char.ConvertFromUtf32(int.Parse(p.Name, NumberStyles.HexNumber));
            string expected = string.Concat(p.Value.GetString()!.Split(' ').Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber))));
            if (UnicodeText.Nfd(input) != expected) differ.Add($"U+{p.Name}");
        }
        Assert.True(n > 13000, $"{n} decomposable code points"); // 11,172 Hangul syllables and ~2,000 others
        Assert.True(differ.Count == 0, string.Join(' ', differ));
        // Canonical reordering: a + dot below (ccc 220) after diaeresis (ccc 230) comes first.
        Assert.Equal("a\u0323\u0308", UnicodeText.Nfd("a\u0308\u0323"));
    }

    [Fact]
    public void Lower_agrees_with_python_on_every_code_point_it_changes()
    {
        var differ = new List<string>();
        foreach (var p in Facts.Value.GetProperty("lower").EnumerateObject())
        {
            string input = char.ConvertFromUtf32(int.Parse(p.Name, NumberStyles.HexNumber));
            string expected = string.Concat(p.Value.GetString()!.Split(' ').Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber))));
            if (PythonStr.Lower(input) != expected) differ.Add($"U+{p.Name}");
        }
        Assert.True(differ.Count == 0, string.Join(' ', differ));
    }

    [Theory]
    // Values from python3.11: repr(s.lower()).
    [InlineData("ΟΔΟΣ", "οδος")]
    [InlineData("ΟΔΟΣ.", "οδος.")]
    [InlineData("Σ", "σ")]
    [InlineData("ΑΣ\u00adΒ", "ασ\u00adβ")]   // soft hyphen is case-ignorable: a cased letter follows
    [InlineData("ΑΣ'", "ας'")]              // apostrophe is case-ignorable, nothing cased after
    [InlineData("ΑΣ1", "ας1")]
    [InlineData("1Σ", "1σ")]
    [InlineData("İ", "i\u0307")]
    [InlineData("ǅ", "ǆ")]
    [InlineData("ẞ", "ß")]
    public void Lower_is_python_str_lower_with_its_context_rules(string input, string expected)
    {
        Assert.Equal(expected, PythonStr.Lower(input));
    }

    [Fact]
    public void Split_is_python_str_split()
    {
        // Python: 'a\x1cb\x1fc\xa0d\u2003e\u2028f\u200bg\ufeffh'.split() == ['a','b','c','d','e','f\u200bg\ufeffh']
        Assert.Equal(["a", "b", "c", "d", "e", "f\u200bg\ufeffh"], PythonStr.Split("a\u001cb\u001fc\u00a0d\u2003e\u2028f\u200bg\ufeffh"));
        Assert.Empty(PythonStr.Split(" \t\u3000\u0085 "));
        Assert.Equal("x \u200b", PythonStr.Strip("\u2029 x \u200b\u00a0"));
    }
}
