namespace NativeDsp.Model.Transformer;

/// <summary>
/// Packs premise/hypothesis pairs into the classifier's single-sequence input, as BERT:
/// "[CLS] premise [SEP] hypothesis [SEP]" with segment 0 up to and including the first [SEP] and 1 after.
/// </summary>
public static class NliInput
{
    /// <summary>
    /// Packs a batch into row-major [batch, length] arrays padded with <paramref name="padId"/> (segment 0 on
    /// padding). Pairs longer than <paramref name="maxLength"/> are cut exactly as BERT's <c>_truncate_seq_pair</c>
    /// (google-research/bert run_classifier.py; Hugging Face's "longest_first" gives the same lengths): one token at
    /// a time from the end of the longer side, and from the hypothesis when both are equally long. Length = the
    /// longest packed pair.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 3 (no room for [CLS] and two [SEP]).</exception>
    public static (int[] Ids, int[] Segments, int Length) Pack(IReadOnlyList<(int[] Premise, int[] Hypothesis)> pairs,
                                                                int clsId, int sepId, int padId, int maxLength)
    {
        if (maxLength < 3) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "NLI input: needs room for [CLS] and two [SEP]");
        var rows = new List<(int[] Ids, int[] Seg)>(pairs.Count);
        foreach (var (premise, hypothesis) in pairs)
        {
            var (p, h) = TruncatedLengths(premise.Length, hypothesis.Length, maxLength - 3);
            var ids = new List<int>(p + h + 3) { clsId };
            ids.AddRange(premise.Take(p));
            ids.Add(sepId);
            int firstSegment = ids.Count;
            ids.AddRange(hypothesis.Take(h));
            ids.Add(sepId);
            var seg = new int[ids.Count];
            for (int i = firstSegment; i < seg.Length; i++) seg[i] = 1;
            rows.Add((ids.ToArray(), seg));
        }
        int length = rows.Count == 0 ? 0 : rows.Max(r => r.Ids.Length);
        var allIds = new int[rows.Count * length];
        var allSeg = new int[rows.Count * length];
        Array.Fill(allIds, padId);
        for (int r = 0; r < rows.Count; r++)
        {
            rows[r].Ids.CopyTo(allIds, r * length);
            rows[r].Seg.CopyTo(allSeg, r * length);
        }
        return (allIds, allSeg, length);
    }

    /// <summary>
    /// BERT's <c>_truncate_seq_pair</c> on lengths: while the pair is over <paramref name="budget"/> tokens, drop one
    /// from the premise if it is strictly longer, else from the hypothesis ("if len(tokens_a) > len(tokens_b):
    /// tokens_a.pop() else: tokens_b.pop()").
    /// </summary>
    public static (int Premise, int Hypothesis) TruncatedLengths(int premise, int hypothesis, int budget)
    {
        while (premise + hypothesis > budget)
        {
            if (premise > hypothesis) premise--;
            else hypothesis--;
        }
        return (premise, hypothesis);
    }
}
