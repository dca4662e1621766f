using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Mt;
using NativeDsp.Experiments.Tokenization;
using NativeDsp.Tests.Experiments.Data;

namespace NativeDsp.Tests.Experiments.Tokenization;

public class BpeTrainerTests
{
    /// <summary>Sennrich et al.'s example: low x5, lower x2, newest x6, widest x3.</summary>
    static readonly string[] Classic = [.. Enumerable.Repeat("low", 5), .. Enumerable.Repeat("lower", 2), .. Enumerable.Repeat("newest", 6), .. Enumerable.Repeat("widest", 3)];

    [Fact]
    public void LearnsTheMostFrequentPairsFirstWithOrdinalTieBreaks()
    {
        var v = BpeTrainer.Learn([string.Join(' ', Classic)], vocabSize: 40, minPairFrequency: 1);
        // By hand: (e,s) and (s,t</w>) both occur 9 times, "e" < "s" so (e,s) first; then (es,t</w>) 9;
        // then (l,o) 7; then (e,w), (n,e), (w,est</w>) 6 each, "e" first.
        Assert.Equal([("e", "s"), ("es", "t</w>"), ("l", "o"), ("e", "w")], v.Merges.Take(4));
        Assert.Equal(BpeVocabulary.SpecialTokens, v.Tokens.Take(4));
        Assert.Equal(v.Tokens.Count, v.Tokens.Distinct().Count());
    }

    [Fact]
    public void LearningIsDeterministicAndStopsAtTheVocabularySize()
    {
        var text = Classic.Concat(["the", "then", "there", "other", "brother"]).ToArray();
        var a = BpeTrainer.Learn([string.Join(' ', text)], 30, 1);
        var b = BpeTrainer.Learn([string.Join(' ', text.Reverse())], 30, 1); // same counts, other order
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(a.Merges, b.Merges);
        Assert.True(a.Tokens.Count <= 30);
    }

    [Fact]
    public void LibraryEncoderAgreesWithPlainMergeApplicationAndDecodesLosslessly()
    {
        var corpus = new[] { "la tierra estaba desordenada y vacía", "and the earth was without form, and void;", "el Espíritu de Dios se movía sobre la haz de las aguas." };
        var v = BpeTrainer.Learn(corpus, 120, 1);
        var tok = new BpeSubwordTokenizer(v);
        // The last sentence has symbols never seen in training ("m" ending a word): those become <unk>.
        foreach (var s in corpus.Append("tierra vacía sobre las aguas, form and void."))
        {
            var known = v.Tokens.ToHashSet();
            var expected = s.Split(' ').SelectMany(w => ReferenceEncode(w, v.Merges)).Select(t => known.Contains(t) ? t : BpeVocabulary.Unknown).ToList();
            Assert.Equal(expected, tok.EncodeToTokens(s));
            if (!expected.Contains(BpeVocabulary.Unknown)) Assert.Equal(s, tok.Decode(tok.Encode(s)));
        }
        Assert.Contains(tok.UnknownId, tok.Encode("zzz"));
    }

    [Fact]
    public void SavedFilesLoadBackIdentically()
    {
        using var dir = new TempDir();
        var v = BpeTrainer.Learn(["a \"quoted\" word and a \\ backslash", "naïve café"], 60, 1);
        v.Save(dir.File("v.json"), dir.File("m.txt"));
        var back = BpeVocabulary.Load(dir.File("v.json"), dir.File("m.txt"));
        Assert.Equal(v.Tokens, back.Tokens);
        Assert.Equal(v.Merges, back.Merges);
        Assert.Contains(":1: not a JSON token-to-id map", Assert.Throws<DataInputException>(() => BpeVocabulary.Load(dir.Write("bad.json", "not json"), dir.File("m.txt"))).Message);
    }

    /// <summary>Textbook BPE encoding: repeatedly apply the earliest-learned merge present in the word.</summary>
    static List<string> ReferenceEncode(string word, IReadOnlyList<(string Left, string Right)> merges)
    {
        var rank = merges.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        var s = BpeTrainer.InitialSymbols(word);
        while (true)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < s.Count; i++)
                if (rank.TryGetValue((s[i], s[i + 1]), out int r) && r < bestRank) (best, bestRank) = (i, r);
            if (best < 0) return s;
            s[best] += s[best + 1];
            s.RemoveAt(best + 1);
        }
    }
}
