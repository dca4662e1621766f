using NativeDsp.Model.Transformer;

namespace NativeDsp.Tests.Model;

/// <summary>Handed case pair-truncation: NliInput.Pack cuts pairs exactly as BERT's _truncate_seq_pair.</summary>
public sealed class PairTruncationTests
{
    [Theory]
    // The case's table: max_len 10 (budget 7 after [CLS] and two [SEP]).
    [InlineData(10, 9, 4, 3)]
    [InlineData(10, 10, 4, 3)]
    [InlineData(5, 5, 4, 3)]
    [InlineData(8, 3, 4, 3)]
    // More of the kind: a short premise keeps everything, a long hypothesis is cut alone, a tie at the budget.
    [InlineData(2, 9, 2, 5)]
    [InlineData(3, 4, 3, 4)]
    [InlineData(4, 4, 4, 3)]
    [InlineData(0, 12, 0, 7)]
    public void Pair_truncation_case_packs_like_bert(int premise, int hypothesis, int keptPremise, int keptHypothesis)
    {
        int[] p = Enumerable.Range(100, premise).ToArray();
        int[] h = Enumerable.Range(200, hypothesis).ToArray();
        var (ids, seg, length) = NliInput.Pack([(p, h)], clsId: 1, sepId: 2, padId: 0, maxLength: 10);
        int[] expected = [1, .. p.Take(keptPremise), 2, .. h.Take(keptHypothesis), 2];
        Assert.Equal(expected, ids);
        Assert.Equal(expected.Length, length);
        Assert.Equal(Enumerable.Repeat(0, keptPremise + 2).Concat(Enumerable.Repeat(1, keptHypothesis + 1)), seg);
        Assert.Equal((keptPremise, keptHypothesis), NliInput.TruncatedLengths(premise, hypothesis, 7));
    }

    [Fact]
    public void Reference_loop_and_closed_form_agree_on_every_small_pair()
    {
        // The reference's loop, restated on lists, against the packer for all lengths up to 20 and budgets up to 15.
        for (int budget = 0; budget <= 15; budget++)
            for (int a = 0; a <= 20; a++)
                for (int b = 0; b <= 20; b++)
                {
                    var la = Enumerable.Range(0, a).ToList();
                    var lb = Enumerable.Range(0, b).ToList();
                    while (la.Count + lb.Count > budget)
                    {
                        if (la.Count > lb.Count) la.RemoveAt(la.Count - 1);
                        else lb.RemoveAt(lb.Count - 1);
                    }
                    Assert.Equal((la.Count, lb.Count), NliInput.TruncatedLengths(a, b, budget));
                }
    }
}
