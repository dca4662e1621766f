using System.Text;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Tests.Experiments;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Tokenization;

/// <summary><c>nativedsp tokenize</c>: one line of tokens per input line, ids, packed pairs, errors.</summary>
// The CLI checks swap Console.Out/Error, which are process-wide.
[Collection(ExperimentCommandTests.CliCollection)]
public sealed class TokenizeCommandTests
{
    static readonly Lazy<WordPieceSubwordTokenizer> MiniLm = new(() => LineTokenizer.Load("minilm"));

    static string Run(string content, LineTokenizerOutput what = LineTokenizerOutput.Tokens, bool pair = false, int maxLength = 128)
    {
        using var dir = new TempDir();
        string path = dir.File("in.txt");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        var output = new StringWriter { NewLine = "\n" };
        LineTokenizer.Run(MiniLm.Value, path, output, what, pair, maxLength);
        return output.ToString();
    }

    [Theory]
    [InlineData("bert-symbols")]
    [InlineData("bert-control-whitespace")]
    [InlineData("bert-format-chars")]
    public void Handed_case_file_prints_the_expected_tokens_file(string caseName)
    {
        // The case's inputs with their escapes decoded, joined as a file (lines holding \n or \r are split by the
        // file itself, so only the lines without them are taken here; the tokenizer test covers the others).
        string dir = HandedCases.Dir(caseName);
        var inputs = File.ReadAllLines(Path.Combine(dir, "inputs.txt")).Select(HandedCases.DecodePythonEscapes).ToList();
        var expected = File.ReadAllLines(Path.Combine(dir, "expected_tokens.txt"));
        var keep = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].IndexOfAny(['\n', '\r']) < 0).ToList();
        Assert.NotEmpty(keep);
        string printed = Run(string.Join("\n", keep.Select(i => inputs[i])) + "\n");
        Assert.Equal(string.Concat(keep.Select(i => expected[i] + "\n")), printed);
    }

    [Fact]
    public void One_output_line_per_input_line_even_when_empty()
    {
        Assert.Equal("hello , world !\n\n\nab\n", Run("Hello, World!\n\n\u200b\na\ufeffb\n"));
        Assert.Equal("7592 1010 2088 999\n", Run("Hello, World!\n", LineTokenizerOutput.Ids));
    }

    [Fact]
    public void Pair_lines_are_packed_and_truncated_like_the_classifier_input()
    {
        Assert.Equal("[CLS] a dog runs . [SEP] an animal moves . [SEP]\n", Run("A dog runs.\tAn animal moves.\n", pair: true));
        // max_len 10 leaves 7: (5, 5) tokens -> (4, 3), the hypothesis losing on the tie (BERT's _truncate_seq_pair).
        Assert.Equal("[CLS] a b c d [SEP] e f g [SEP]\n", Run("a b c d x\te f g h i\n", pair: true, maxLength: 10));
        Assert.Equal("101 1037 102 1038 102\n", Run("a\tb\n", LineTokenizerOutput.Ids, pair: true));
    }

    [Fact]
    public void Errors_name_the_file_and_line_or_are_usage()
    {
        using var dir = new TempDir();
        string path = dir.Write("pairs.txt", "a\tb\nno tab here\n");
        var e = Assert.Throws<NativeDsp.Experiments.Data.Io.DataInputException>(() => LineTokenizer.Run(MiniLm.Value, path, TextWriter.Null, LineTokenizerOutput.Tokens, pair: true));
        Assert.Equal($"{path}:2: --pair expects 'premise<TAB>hypothesis', found no TAB", e.Message);
        CliRunner.AssertFails(2, "tokenize", path);                                      // no --init
        CliRunner.AssertFails(2, "tokenize", "--init", "minilm");                        // no FILE
        CliRunner.AssertFails(2, "tokenize", "--init", "minilm", "--max-len", "2", path); // too short for a pair
        Assert.Contains("vocab.txt", CliRunner.AssertFails(1, "tokenize", "--init", dir.Path, path)); // no vocab.txt there
        Assert.Contains($"{path}:2:", CliRunner.AssertFails(1, "tokenize", "--init", "minilm", "--pair", path));
    }

    [Fact]
    public void Command_prints_only_the_tokens_on_stdout()
    {
        using var dir = new TempDir();
        string path = dir.Write("in.txt", "Hello, World!\none\tline\n");
        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--init", "minilm", path);
        Assert.Equal((0, "hello , world !\none line\n", ""), (code, stdout.Replace("\r\n", "\n"), stderr));
        Assert.Equal("101 7592 1010 2088 999 102 2028 2240 102\n", CliRunner.Run("tokenize", "--init", "minilm", "--ids", "--pair", dir.Write("p.txt", "Hello, World!\tone line\n")).Out.Replace("\r\n", "\n"));
    }
}
