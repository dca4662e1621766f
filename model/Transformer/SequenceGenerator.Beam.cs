namespace NativeDsp.Model.Transformer;

public sealed partial class SequenceGenerator
{
    /// <summary>
    /// Beam search (as fairseq's): every sentence keeps <paramref name="beamWidth"/> live prefixes ranked by
    /// their summed log-probability. Each step takes the best 2 x width extensions of them; an extension by
    /// EOS among the first width of those becomes a finished hypothesis (scored with the length penalty),
    /// the best width others continue. A sentence stops once it has width finished hypotheses; at the
    /// maximum length its live prefixes are finished as they are. Returns the best-scoring hypothesis of
    /// each sentence. Width 1 is greedy search.
    /// </summary>
    public IReadOnlyList<Hypothesis> Beam(IReadOnlyList<int[]> sources, int beamWidth)
    {
        if (beamWidth < 1) throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth, "beam search: the width must be >= 1");
        int b = sources.Count, k = beamWidth, n = b * k;
        using var mode = new EvalMode(Model);
        using var state = Start(sources);
        // Row s*k + j is beam j of sentence s; all start from the encoder output of sentence s.
        state.Reorder(Enumerable.Range(0, n).Select(r => r / k).ToArray(), encoderSide: true);

        var prefixes = new int[n][];
        var cum = new double[n];
        for (int r = 0; r < n; r++)
        {
            prefixes[r] = [];
            cum[r] = r % k == 0 ? 0 : double.NegativeInfinity; // one live beam at the start: no duplicates
        }
        var finished = Enumerable.Range(0, b).Select(_ => new List<Hypothesis>()).ToArray();
        var done = new bool[b];
        var last = Enumerable.Repeat(Model.Config.BosId, n).ToArray();

        for (int step = 0; step < MaxLength && !done.All(d => d); step++)
        {
            var lp = StepLogProbs(state, last);
            var sourceRow = Enumerable.Range(0, n).ToArray();
            var nextPrefixes = (int[][])prefixes.Clone();
            var nextCum = (double[])cum.Clone();
            var nextLast = (int[])last.Clone();
            for (int s = 0; s < b; s++)
            {
                if (done[s]) continue;
                var cands = TopCandidates(lp, cum, s * k, k, 2 * k);
                int live = 0;
                for (int c = 0; c < cands.Count && live < k; c++)
                {
                    var (row, token, score) = cands[c];
                    if (token == Eos)
                    {
                        if (c < k) finished[s].Add(Make(prefixes[row], score, finished: true));
                        continue;
                    }
                    int dst = s * k + live++;
                    sourceRow[dst] = row;
                    nextPrefixes[dst] = [.. prefixes[row], token];
                    nextCum[dst] = score;
                    nextLast[dst] = token;
                }
                for (; live < k; live++) nextCum[s * k + live] = double.NegativeInfinity; // too few candidates
                if (finished[s].Count >= k) done[s] = true;
            }
            prefixes = nextPrefixes;
            cum = nextCum;
            last = nextLast;
            state.Reorder(sourceRow);
        }

        var results = new Hypothesis[b];
        for (int s = 0; s < b; s++)
        {
            if (!done[s])
                for (int j = 0; j < k; j++)
                    if (!double.IsNegativeInfinity(cum[s * k + j])) finished[s].Add(Make(prefixes[s * k + j], cum[s * k + j], finished: false));
            results[s] = finished[s].MaxBy(h => h.Score)!;
        }
        return results;
    }

    /// <summary>
    /// The best <paramref name="count"/> extensions (row, token, summed log-prob) of the live rows
    /// [first, first + width), best first. Ties keep the lower row and token (deterministic).
    /// </summary>
    List<(int Row, int Token, double Score)> TopCandidates(float[] lp, double[] cum, int first, int width, int count)
    {
        var top = new List<(int Row, int Token, double Score)>(count + 1);
        for (int row = first; row < first + width; row++)
        {
            if (double.IsNegativeInfinity(cum[row])) continue;
            int at = row * Vocab;
            for (int v = 0; v < Vocab; v++)
            {
                double score = cum[row] + lp[at + v];
                if (top.Count == count && score <= top[^1].Score) continue;
                int pos = top.Count;
                while (pos > 0 && top[pos - 1].Score < score) pos--;
                top.Insert(pos, (row, v, score));
                if (top.Count > count) top.RemoveAt(top.Count - 1);
            }
        }
        return top;
    }
}
