using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>A premise with one hypothesis per class (entailment, neutral, contradiction, in that order).</summary>
public sealed record PremiseTriple(BrownSentence Premise, IReadOnlyList<Hypothesis> Hypotheses, int Number)
{
    /// <summary>Ids are "document.sentence.triple.label-initial", e.g. "ca01.12.0.e".</summary>
    public IEnumerable<NliExample> Examples() => Hypotheses.Select(h => new NliExample(
        $"{Premise.Document}.{Premise.Index}.{Number}.{NliLabels.Name(h.Label)[0]}", Premise.Text, h.Text, h.Label, h.Rule, h.Edit));
}

/// <summary>
/// Turns Brown sentences into premise triples: a triple is one hypothesis of each class for the same
/// premise, so the classes are balanced by construction and no class can be told from the premise alone.
/// A premise gives up to <c>maxTriplesPerPremise</c> triples with different hypotheses (there are fewer
/// usable premises in Brown than the 20k triples wanted). For each class a rule is drawn at random among
/// those that apply, then one of its hypotheses. Deterministic: the draws for a premise
/// come from a generator seeded by (seed, document, sentence index), so a premise's examples do not depend
/// on which other sentences were kept.
/// </summary>
public static class NliGenerator
{
    public static List<PremiseTriple> Generate(IReadOnlyList<BrownSentence> sentences, LexicalRules rules, ulong seed, int maxTriplesPerPremise, TextWriter? log = null)
    {
        var applicable = NliLabels.All.ToDictionary(l => l, _ => 0);
        var ruleCounts = LexicalRules.RuleNames.ToDictionary(r => r, _ => 0);
        int considered = 0;
        var documents = sentences.GroupBy(s => s.Document).ToDictionary(g => g.Key, g => (IReadOnlyList<BrownSentence>)g.OrderBy(s => s.Index).ToList());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var triples = new List<PremiseTriple>();
        foreach (var s in sentences)
        {
            if (!PremiseFilter.IsPremise(s)) continue;
            if (!seen.Add(s.Text)) continue; // a sentence repeated in the corpus is one premise
            var rng = new SeededRandom(MixSeed(seed, s.Key));
            var candidates = rules.Candidates(s, documents[s.Document], rng);
            considered++;
            foreach (var l in NliLabels.All)
            {
                if (candidates[l].Count > 0) applicable[l]++;
                foreach (var h in candidates[l]) ruleCounts[h.Rule]++;
            }
            for (int t = 0; t < maxTriplesPerPremise && NliLabels.All.All(l => candidates[l].Count > 0); t++)
                triples.Add(new PremiseTriple(s, NliLabels.All.Select(l => Draw(candidates[l], rng)).ToList(), t));
        }
        log?.WriteLine($"{considered} premises; a rule applies for: {string.Join(", ", applicable.Select(kv => $"{NliLabels.Name(kv.Key)} {kv.Value}"))}");
        log?.WriteLine($"hypotheses each rule offers: {string.Join(", ", ruleCounts.Select(kv => $"{kv.Key} {kv.Value}"))}");
        return triples;
    }

    /// <summary>
    /// Takes one hypothesis out of a class's pool: first a rule, uniformly among the rules that still have
    /// one (so a rule that offers many places does not crowd out the others), then one of its hypotheses.
    /// </summary>
    static Hypothesis Draw(List<Hypothesis> pool, SeededRandom rng)
    {
        var rules = pool.Select(h => h.Rule).Distinct().ToList();
        string rule = rng.Pick(rules);
        var ofRule = pool.Where(h => h.Rule == rule).ToList();
        var chosen = rng.Pick(ofRule);
        pool.Remove(chosen);
        return chosen;
    }

    /// <summary>FNV-1a of the key folded into the seed: a stable per-premise stream.</summary>
    public static ulong MixSeed(ulong seed, string key)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in key)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return seed * 0x9E3779B97F4A7C15UL ^ h;
    }
}
