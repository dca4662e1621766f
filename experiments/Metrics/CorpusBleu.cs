using System.Globalization;
using NativeDsp.Experiments.Text;

namespace NativeDsp.Experiments.Metrics;

public enum BleuSmoothing
{
    /// <summary>No smoothing: a zero n-gram precision makes the score 0.</summary>
    None,

    /// <summary>
    /// sacreBLEU's default ("exp", NIST smoothing from mteval-v13a): the k-th order with no match gets
    /// precision 1 / (2^k · total) instead of 0. It only matters when some order has no match at all
    /// (short segments); it is not "no smoothing".
    /// </summary>
    Exp,

    /// <summary>A zero precision becomes value / total ("floor"; sacreBLEU's default value is 0.1).</summary>
    Floor,
}

/// <summary>A corpus BLEU score with its parts, printed like sacreBLEU does.</summary>
/// <remarks>
/// The line is sacreBLEU 2.x's BLEUScore text (metrics/bleu.py): score with <c>:.2f</c>, precisions <c>:.1f</c>
/// joined by '/', BP and ratio <c>:.3f</c>, formatted as Python formats floats (<see cref="PythonFormat"/>: ties
/// to even on exact binary halves, where .NET's "0.00" rounds away from zero); ratio is 0 when ref_len is 0.
/// </remarks>
public sealed record BleuScore(double Score, double[] Precisions, double BrevityPenalty, long HypothesisLength, long ReferenceLength,
    long[] Correct, long[] Total)
{
    public double Ratio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BLEU = {PythonFormat.Fixed(Score, 2)} {string.Join('/', Precisions.Select(p => PythonFormat.Fixed(p, 1)))} (BP = {PythonFormat.Fixed(BrevityPenalty, 3)} ratio = {PythonFormat.Fixed(Ratio, 3)} hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
}

/// <summary>
/// Corpus-level BLEU (Papineni et al. 2002) as sacreBLEU 2.x computes it by default: 13a tokenisation,
/// case-sensitive, n-grams up to 4, clipped counts summed over the corpus before the precisions are
/// taken, brevity penalty from the summed lengths (for each sentence the reference length closest to the
/// hypothesis, the shorter on a tie), "exp" smoothing, no effective-order trick. Score in 0..100.
/// Text is handled with Python's str semantics, as sacreBLEU does (_preprocess_segment, extract_all_word_ngrams):
/// <c>--lowercase</c> is <c>str.lower()</c> (full case mapping with Final_Sigma, <see cref="PythonStr.Lower"/>),
/// the segment is <c>rstrip()</c>ped, and words are <c>str.split()</c>: every Python whitespace character
/// separates words, including TAB, U+00A0, U+2003 and U+001C..U+001F (<see cref="PythonStr.IsSpace"/>).
/// </summary>
public static class CorpusBleu
{
    public const int MaxOrder = 4;

    /// <summary>The signature line sacreBLEU prints, so that reported scores say how they were computed.</summary>
    public static string Signature(int references, bool lowercase, string tokenizer, BleuSmoothing smoothing) =>
        $"nrefs:{references}|case:{(lowercase ? "lc" : "mixed")}|eff:no|tok:{tokenizer}|smooth:{smoothing.ToString().ToLowerInvariant()}|version:2.x(nativedsp)";

    /// <param name="hypotheses">One line per segment.</param>
    /// <param name="references">One or more reference streams, each with one line per segment.</param>
    /// <param name="floorValue">The value of "floor" smoothing (sacreBLEU's default 0.1).</param>
    public static BleuScore Compute(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references,
        BleuSmoothing smoothing = BleuSmoothing.Exp, bool lowercase = false, bool tokenize = true, double floorValue = 0.1)
    {
        if (references.Count == 0) throw new ArgumentException("CorpusBleu.Compute: at least one reference stream is needed");
        foreach (var r in references)
            if (r.Count != hypotheses.Count)
                throw new ArgumentException($"CorpusBleu.Compute: {hypotheses.Count} hypotheses but a reference stream has {r.Count} lines");
        var correct = new long[MaxOrder];
        var total = new long[MaxOrder];
        long hypLen = 0, refLen = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            var hyp = Tokens(hypotheses[i], lowercase, tokenize);
            var refs = references.Select(r => Tokens(r[i], lowercase, tokenize)).ToList();
            hypLen += hyp.Length;
            refLen += ClosestLength(hyp.Length, refs.Select(r => r.Length));
            var maxRef = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in refs)
                foreach (var (gram, count) in NGrams(r))
                    if (count > maxRef.GetValueOrDefault(gram)) maxRef[gram] = count;
            foreach (var (gram, count) in NGrams(hyp))
            {
                int n = gram.Count(c => c == ' '); // tokens have no spaces, so an n-gram has n - 1: its index
                total[n] += count;
                correct[n] += Math.Min(count, maxRef.GetValueOrDefault(gram));
            }
        }
        return FromStatistics(correct, total, hypLen, refLen, smoothing, floorValue);
    }

    /// <summary>sacreBLEU's compute_bleu on summed statistics.</summary>
    public static BleuScore FromStatistics(long[] correct, long[] total, long hypLen, long refLen, BleuSmoothing smoothing, double floorValue = 0.1)
    {
        var precisions = new double[MaxOrder];
        double bp = hypLen < refLen ? (hypLen > 0 ? Math.Exp(1 - (double)refLen / hypLen) : 0) : 1;
        // sacreBLEU 2.x returns 0 outright when no n-gram of any order matches (its issue #141), whatever the smoothing.
        if (correct.All(c => c == 0)) return new BleuScore(0, precisions, bp, hypLen, refLen, correct, total);
        double smoothMteval = 1;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (total[n] == 0) break; // no n-grams of this order: precision stays 0, so the score is 0
            if (correct[n] == 0)
            {
                if (smoothing == BleuSmoothing.Exp)
                {
                    smoothMteval *= 2;
                    precisions[n] = 100.0 / (smoothMteval * total[n]);
                }
                else if (smoothing == BleuSmoothing.Floor) precisions[n] = 100.0 * floorValue / total[n];
            }
            else precisions[n] = 100.0 * correct[n] / total[n];
        }
        double score = precisions.Any(p => p == 0) ? 0 : bp * Math.Exp(precisions.Sum(p => Math.Log(p)) / MaxOrder);
        return new BleuScore(score, precisions, bp, hypLen, refLen, correct, total);
    }

    /// <summary>sacreBLEU's _preprocess_segment then line.split().</summary>
    static string[] Tokens(string line, bool lowercase, bool tokenize)
    {
        if (lowercase) line = PythonStr.Lower(line);
        line = PythonStr.RStrip(line);
        return PythonStr.Split(tokenize ? Tokenizer13a.Tokenize(line) : line).ToArray();
    }

    static int ClosestLength(int hypLen, IEnumerable<int> refLens)
    {
        int best = -1, bestDiff = int.MaxValue;
        foreach (int r in refLens)
        {
            int d = Math.Abs(hypLen - r);
            if (d < bestDiff || d == bestDiff && r < best) (best, bestDiff) = (r, d);
        }
        return best;
    }

    /// <summary>Counts of every n-gram of order 1..4, each written as its tokens joined by single spaces.</summary>
    static Dictionary<string, int> NGrams(string[] tokens)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 1; n <= MaxOrder; n++)
            for (int i = 0; i + n <= tokens.Length; i++)
            {
                string g = string.Join(' ', tokens, i, n);
                counts[g] = counts.GetValueOrDefault(g) + 1;
            }
        return counts;
    }
}
