namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>WordPiece with MiniLM's BERT-uncased vocabulary: lower-casing, accent stripping, punctuation splits, pairs.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class BertTokenizationTests(MiniLmFixture fx)
{
    [Fact]
    public void Special_tokens_have_bert_uncased_ids()
    {
        // bert-base-uncased's vocab.txt: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102.
        Assert.Equal(0, fx.Tokenizer.PadId);
        Assert.Equal(101, fx.Tokenizer.ClassificationId);
        Assert.Equal(102, fx.Tokenizer.SeparatorId);
        Assert.Equal(30522, fx.Tokenizer.VocabularySize);
    }

    [Fact]
    public void Uncased_text_is_lower_cased_accent_stripped_and_split()
    {
        // "creme" is not one vocabulary entry (it is cr ##eme); what matters is that the accented, upper-case
        // text gives exactly the tokens of its plain lower-case form, and that none keeps an accent.
        var tokens = fx.Tokenizer.EncodeToTokens("Crème BRÛLÉE, Café!");
        Assert.Equal(fx.Tokenizer.EncodeToTokens("creme brulee, cafe!"), tokens);
        Assert.All(tokens, t => Assert.True(t.All(c => c < 128), t));
        Assert.Equal(["cafe", ",", "!"], fx.Tokenizer.EncodeToTokens("CAFÉ, !"));
        Assert.Equal(fx.Tokenizer.Encode("creme brulee"), fx.Tokenizer.Encode("CRÈME Brûlée"));
        // A word outside the vocabulary is split into WordPiece continuations.
        var pieces = fx.Tokenizer.EncodeToTokens("tokenization");
        Assert.True(pieces.Count > 1 && pieces.Skip(1).All(p => p.StartsWith("##")), string.Join(" ", pieces));
        Assert.Equal("tokenization", string.Concat(pieces.Select(p => p.TrimStart('#'))));
    }

    [Fact]
    public void Pair_is_cls_a_sep_b_sep_with_token_types()
    {
        var (ids, types) = fx.Tokenizer.EncodePair("A dog runs.", "An animal moves.");
        var a = fx.Tokenizer.Encode("A dog runs.");
        var b = fx.Tokenizer.Encode("An animal moves.");
        int[] expected = [101, .. a, 102, .. b, 102];
        Assert.Equal(expected, ids);
        Assert.Equal(Enumerable.Repeat(0, a.Count + 2).Concat(Enumerable.Repeat(1, b.Count + 1)), types);
    }
}
