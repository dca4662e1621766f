using NativeDsp.Experiments.Tokenization;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Tokenization;

public class WordPieceTrainerTests
{
    static readonly string[] Corpus =
    [
        "The dog barked at the cats.", "A dog and a cat played.", "The dogs barked; the cat didn't.",
        "Dogs, cats and horses!", "The old dog saw the big car.", "Café owners sold coffee.",
    ];

    [Fact]
    public void VocabularyStartsWithBertSpecialsAndUsesContinuationPrefix()
    {
        var v = WordPieceTrainer.Learn(Corpus, 80, 1);
        Assert.Equal(WordPieceTrainer.SpecialTokens, v.Take(5));
        Assert.Contains("##s", v);
        Assert.Contains("dog", v);
        Assert.DoesNotContain(v.Skip(5), t => t.Any(char.IsUpper));
        Assert.DoesNotContain("é", v); // accents are stripped before learning
        Assert.Equal(v.Count, v.Distinct().Count());
        Assert.Equal(v, WordPieceTrainer.Learn(Corpus.Reverse(), 80, 1));
    }

    [Fact]
    public void BertTokenizerWithLearnedVocabularyMatchesGreedyLongestMatch()
    {
        using var dir = new TempDir();
        var v = WordPieceTrainer.Learn(Corpus, 60, 1);
        WordPieceTrainer.Save(v, dir.File("vocab.txt"));
        var tok = WordPieceSubwordTokenizer.Load(dir.File("vocab.txt"));
        Assert.Equal(v.Count, tok.VocabularySize);
        foreach (var s in Corpus.Append("The horses played with old cats."))
        {
            var expected = BertPreTokenizer.Split(s).SelectMany(w => Greedy(w, v)).ToList();
            Assert.Equal(expected, tok.EncodeToTokens(s));
        }
        var (ids, segments) = tok.EncodePair("The dog.", "A cat!");
        Assert.Equal(tok.ClassificationId, ids[0]);
        Assert.Equal(tok.SeparatorId, ids[^1]);
        Assert.Equal(2, ids.Count(i => i == tok.SeparatorId));
        int firstSep = ids.ToList().IndexOf(tok.SeparatorId);
        Assert.All(segments.Take(firstSep + 1), s => Assert.Equal(0, s));
        Assert.All(segments.Skip(firstSep + 1), s => Assert.Equal(1, s));
    }

    [Fact]
    public void PreTokenizerSplitsPunctuationLikeBert()
    {
        Assert.Equal(["don", "'", "t", "stop", ",", "cafe", "-", "au", "-", "lait", "!"], BertPreTokenizer.Split("Don't stop, Café-au-lait!"));
    }

    /// <summary>BERT's WordPiece: longest vocabulary prefix first, "##" for continuations, [UNK] for the whole word if stuck.</summary>
    static List<string> Greedy(string word, IReadOnlyList<string> vocab)
    {
        var set = vocab.ToHashSet();
        var pieces = new List<string>();
        int start = 0;
        while (start < word.Length)
        {
            string? found = null;
            for (int end = word.Length; end > start; end--)
            {
                string piece = (start > 0 ? "##" : "") + word[start..end];
                if (set.Contains(piece))
                {
                    found = piece;
                    start = end;
                    break;
                }
            }
            if (found is null) return ["[UNK]"];
            pieces.Add(found);
        }
        return pieces;
    }
}
