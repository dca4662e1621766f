using Xunit.Abstractions;

namespace NativeDsp.Tests.Model.Pretrained;

/// <summary>MiniLM's purpose: mean-pooled, L2-normalised sentence embeddings place paraphrases close.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class SentenceEmbeddingTests(MiniLmFixture fx, ITestOutputHelper output)
{
    [Theory]
    [InlineData("A man is playing a guitar.", "Someone is strumming a guitar.", "The stock market fell sharply today.")]
    [InlineData("The children are playing in the park.", "Kids play outside in a park.", "She cooked pasta for dinner.")]
    [InlineData("How do I reset my password?", "I forgot my password, how can I change it?", "What is the capital of France?")]
    public void Paraphrase_ranks_above_an_unrelated_sentence(string anchor, string paraphrase, string unrelated)
    {
        var (ids, types, mask, length) = fx.Batch([anchor, paraphrase, unrelated]);
        var e = fx.Encoder.SentenceEmbeddings(ids, types, mask, 3, length);
        foreach (var v in e) Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        double Cos(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
        double para = Cos(e[0], e[1]), unrel = Cos(e[0], e[2]);
        output.WriteLine($"cos(anchor, paraphrase) = {para:F3}, cos(anchor, unrelated) = {unrel:F3}");
        Assert.True(para > unrel + 0.2, $"paraphrase {para:F3} should clearly beat unrelated {unrel:F3}");
    }
}
