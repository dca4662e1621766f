using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>A generated hypothesis: the rule that made it, what it changed, the words of the new sentence.</summary>
public sealed record Hypothesis(string Rule, NliLabel Label, string Edit, string Text);

/// <summary>
/// The generation rules. Each looks for a place in the premise where it applies and returns a
/// hypothesis, or null. All rules assume a premise that passed <see cref="PremiseFilter.IsPremise"/>
/// (plain, upward-monotone), and that, as in SNLI, premise and hypothesis describe the same situation
/// (so "the old man" and "the young man" are the same man, and cannot both be true).
///
/// Entailment: <c>hypernym</c> (a noun after a determiner replaced by a WordNet hypernym of its first
/// sense: "the dog barked" ⊨ "the canine barked"); <c>drop-modifier</c> (an adjective or a manner
/// adverb removed: "the old man" ⊨ "the man", "walked slowly" ⊨ "walked").
/// Contradiction: <c>antonym</c> (an adjective replaced by a direct WordNet antonym); <c>cohyponym</c>
/// (a noun replaced by a sister term under the same hypernym: "dog" / "cat"); <c>negation</c> (the main
/// verb negated: "was" → "was not", "said" → "did not say").
/// Neutral: <c>hyponym</c> (a noun made more specific: "dog" → "puppy" is not supported); <c>add-modifier</c>
/// (an adjective seen with that noun in Brown inserted); <c>related-sentence</c> (a nearby sentence of the
/// same document that shares a noun with the premise: on topic, but not supported).
/// </summary>
public sealed class LexicalRules(LexicalResources lex)
{
    const int MinReplacementFrequency = 3;
    const int MinHypernymDepth = 3;
    const int RelatedWindow = 5;

    /// <summary>How many different hypotheses one rule may offer for one premise (so that a premise can yield two triples).</summary>
    public const int OptionsPerRule = 2;

    /// <summary>
    /// Adjectives whose removal does not preserve truth ("a former president" is not a president), or that refer
    /// to other things in the text rather than describe ("the same man", "the next day"). Relative adjectives
    /// ("a small elephant") are subsective: dropping them keeps the sentence true, so they are not listed.
    /// </summary>
    public static readonly HashSet<string> UndroppableAdjectives = new(StringComparer.Ordinal)
    {
        "former", "alleged", "false", "fake", "mock", "would-be", "so-called", "potential", "possible", "supposed",
        "imaginary", "counterfeit", "fictional", "fictitious", "artificial", "toy", "pseudo", "apparent", "likely",
        "probable", "presumed", "ostensible", "reputed", "suspected", "hypothetical", "virtual", "nominal", "future",
        "past", "ex", "erstwhile", "onetime", "late", "previous", "prospective", "proposed", "intended", "fabricated",
        "forged", "phony", "bogus", "sham", "same", "other", "certain", "mere", "own", "next", "last", "first",
        "following", "usual", "given", "such", "different", "similar", "various", "several", "necessary",
    };

    /// <summary>Hypernyms so general that substituting them makes a vacuous sentence ("the thing barked").</summary>
    static readonly HashSet<string> TooGeneral = new(StringComparer.Ordinal)
    {
        "entity", "thing", "object", "whole", "unit", "abstraction", "matter", "substance", "attribute", "relation",
        "group", "grouping", "measure", "event", "act", "state", "part", "portion", "quality", "property",
    };

    /// <summary>Adverbs whose removal does not preserve truth ("he almost died" does not say he died) or that are not manner adverbs.</summary>
    public static readonly HashSet<string> UndroppableAdverbs = new(StringComparer.Ordinal)
    {
        "almost", "nearly", "allegedly", "supposedly", "apparently", "probably", "possibly", "seemingly", "reportedly",
        "falsely", "hardly", "barely", "scarcely", "virtually", "practically", "partly", "partially", "only", "merely",
        "rarely", "seldom", "ostensibly", "presumably", "hypothetically", "theoretically", "potentially", "likely",
        "early", "only", "really", "actually", "certainly", "surely", "truly", "finally", "fairly", "relatively",
        "comparatively", "approximately", "roughly", "mostly", "largely", "mainly", "chiefly", "fully", "entirely",
        "completely", "totally", "wholly", "exactly", "precisely", "simply", "solely", "purely", "namely", "previously",
        "formerly", "originally", "initially", "eventually", "ultimately", "subsequently", "respectively", "accordingly",
        "consequently", "hence", "newly", "recently", "lately", "nominally", "technically", "officially", "literally",
    };

    public static readonly IReadOnlyList<string> RuleNames =
        ["hypernym", "drop-modifier", "antonym", "cohyponym", "negation", "hyponym", "add-modifier", "related-sentence"];

    WordNet Wn => lex.WordNet;

    /// <summary>Hypotheses the rules can make for this premise, by label: up to <see cref="OptionsPerRule"/> per rule, all different.</summary>
    public Dictionary<NliLabel, List<Hypothesis>> Candidates(BrownSentence premise, IReadOnlyList<BrownSentence> document, SeededRandom rng)
    {
        var all = Hypernym(premise, rng).Concat(DropModifier(premise, rng))
            .Concat(Antonym(premise, rng)).Concat(CoHyponym(premise, rng)).Concat(Negation(premise))
            .Concat(Hyponym(premise, rng)).Concat(AddModifier(premise, rng)).Concat(RelatedSentence(premise, document, rng));
        var byLabel = NliLabels.All.ToDictionary(l => l, _ => new List<Hypothesis>());
        var texts = new HashSet<string>(StringComparer.Ordinal) { premise.Text };
        foreach (var h in all)
            if (texts.Add(h.Text)) byLabel[h.Label].Add(h);
        return byLabel;
    }

    /// <summary>A common noun in the premise: where, its first WordNet sense, its lemma, and whether it is plural.</summary>
    readonly record struct NounSlot(int Index, Synset Sense, string Lemma, bool Plural);

    /// <summary>Common nouns (lower case, known to WordNet) right after a determiner (or an adjective) and not part of a compound.</summary>
    List<NounSlot> NounSlots(BrownSentence s, bool requireDeterminer)
    {
        var slots = new List<NounSlot>();
        var w = s.Words;
        for (int i = 1; i + 1 < w.Count; i++)
        {
            bool plural = w[i].FullTag == "nns";
            if (!(plural || w[i].FullTag == "nn") || !SentenceEdits.IsLowerAlpha(w[i].Word)) continue;
            string prev = w[i - 1].Tag, next = w[i + 1].Tag;
            bool afterDeterminer = SentenceEdits.Determiners.Contains(prev);
            if (!(afterDeterminer || (!requireDeterminer && prev == "jj"))) continue;
            if (next is "nn" or "nns" or "np" or "nps" or "nn$" or "nns$" or "np$") continue;
            string? lemma = plural ? Wn.BaseForms(w[i].Word, 'n').FirstOrDefault(b => b != w[i].Word) : w[i].Word;
            if (lemma is null) continue;
            var senses = Wn.Senses(lemma, 'n');
            if (senses.Count == 0 || senses[0].Pointers.Any(p => p.Symbol == "@i")) continue;
            slots.Add(new NounSlot(i, senses[0], lemma, plural));
        }
        return slots;
    }

    /// <summary>A replacement noun in the number of the word it replaces.</summary>
    string Inflect(string lemma, NounSlot slot) => slot.Plural ? Wn.Plural(lemma) : lemma;

    /// <summary>Adjective positions: attributive (det/adj before, noun after) or, when allowed, predicative (after a form of "be").</summary>
    List<int> AdjectiveSlots(BrownSentence s, bool allowPredicative)
    {
        var slots = new List<int>();
        var w = s.Words;
        for (int i = 1; i + 1 < w.Count; i++)
        {
            if (w[i].FullTag != "jj" || !SentenceEdits.IsLowerAlpha(w[i].Word)) continue;
            bool attributive = (SentenceEdits.Determiners.Contains(w[i - 1].Tag) || w[i - 1].Tag == "jj") && w[i + 1].Tag is "nn" or "nns";
            bool predicative = allowPredicative && SentenceEdits.BeForms.Contains(w[i - 1].Tag) && w[i + 1].Tag is "." or "," or "cc" or "in";
            if (attributive || predicative) slots.Add(i);
        }
        return slots;
    }

    /// <summary>A usable single-word lemma: lower-case letters, seen in Brown often enough, and this synset is its first sense.</summary>
    bool IsCommonLemmaOf(string lemma, Synset synset, char pos)
    {
        if (!SentenceEdits.IsLowerAlpha(lemma) || lex.FrequencyOf(lemma) < MinReplacementFrequency) return false;
        var senses = Wn.Senses(lemma, pos);
        return senses.Count > 0 && senses[0].Offset == synset.Offset;
    }

    static Hypothesis Make(string rule, NliLabel label, string edit, List<string> words) =>
        new(rule, label, edit, BrownCorpus.Detokenize(words));

    /// <summary>Up to <see cref="OptionsPerRule"/> of the places a rule applies, drawn without replacement.</summary>
    static List<T> Sample<T>(List<T> options, SeededRandom rng)
    {
        rng.Shuffle(options);
        return options.Take(OptionsPerRule).ToList();
    }

    IEnumerable<Hypothesis> Hypernym(BrownSentence s, SeededRandom rng)
    {
        var options = new List<(int Index, string Word, string Lemma)>();
        foreach (var slot in NounSlots(s, requireDeterminer: true))
        {
            // Up to two levels: the direct hypernym is often a rare technical word ("canid"), its parent a common one.
            foreach (var h1 in Wn.Related(slot.Sense, "@").Take(1))
            {
                string? lemma = CommonLemma(h1) ?? Wn.Related(h1, "@").Take(1).Select(CommonLemma).FirstOrDefault();
                if (lemma is not null && lemma != slot.Lemma) options.Add((slot.Index, s.Words[slot.Index].Word, Inflect(lemma, slot)));
            }
        }
        return Sample(options, rng).Select(o => Make("hypernym", NliLabel.Entailment, $"{o.Word} -> {o.Lemma}", SentenceEdits.Replace(s, o.Index, o.Lemma)));

        string? CommonLemma(Synset h) => Wn.Depth(h) < MinHypernymDepth ? null
            : h.Words.Where(x => SentenceEdits.IsLowerAlpha(x) && lex.FrequencyOf(x) >= MinReplacementFrequency && !TooGeneral.Contains(x))
                     .OrderByDescending(lex.FrequencyOf).ThenBy(x => x, StringComparer.Ordinal).FirstOrDefault();
    }

    IEnumerable<Hypothesis> DropModifier(BrownSentence s, SeededRandom rng)
    {
        var slots = AdjectiveSlots(s, allowPredicative: false)
            .Where(i => !UndroppableAdjectives.Contains(s.Words[i].Word) && Wn.Contains(s.Words[i].Word, 'a')).ToList();
        // Manner adverbs in "-ly" next to a verb: "walked slowly" entails "walked".
        for (int i = 1; i + 1 < s.Words.Count; i++)
        {
            var t = s.Words[i];
            if (t.FullTag != "rb" || !t.Word.EndsWith("ly", StringComparison.Ordinal) || !SentenceEdits.IsLowerAlpha(t.Word) || UndroppableAdverbs.Contains(t.Word)) continue;
            if (s.Words[i - 1].Tag.StartsWith("vb", StringComparison.Ordinal) || s.Words[i + 1].Tag.StartsWith("vb", StringComparison.Ordinal)) slots.Add(i);
        }
        return Sample(slots, rng).Select(k => Make("drop-modifier", NliLabel.Entailment, $"-{s.Words[k].Word}", SentenceEdits.Delete(s, k)));
    }

    IEnumerable<Hypothesis> Antonym(BrownSentence s, SeededRandom rng)
    {
        var options = new List<(int Index, string Antonym)>();
        foreach (int i in AdjectiveSlots(s, allowPredicative: true))
        {
            var senses = Wn.Senses(s.Words[i].Word, 'a');
            if (senses.Count == 0) continue;
            foreach (var ant in Wn.Antonyms(senses[0], s.Words[i].Word).Distinct())
                if (SentenceEdits.IsLowerAlpha(ant) && lex.FrequencyOf(ant) >= MinReplacementFrequency) options.Add((i, ant));
        }
        return Sample(options, rng).Select(o => Make("antonym", NliLabel.Contradiction, $"{s.Words[o.Index].Word} -> {o.Antonym}", SentenceEdits.Replace(s, o.Index, o.Antonym)));
    }

    IEnumerable<Hypothesis> CoHyponym(BrownSentence s, SeededRandom rng)
    {
        var options = new List<(int Index, string Lemma)>();
        foreach (var slot in NounSlots(s, requireDeterminer: false))
        {
            var wordSenses = Wn.Senses(slot.Lemma, 'n').Select(x => x.Offset).ToHashSet();
            foreach (var parent in Wn.Related(slot.Sense, "@").Take(1))
            {
                if (Wn.Depth(parent) < MinHypernymDepth) continue;
                foreach (var sibling in Wn.Related(parent, "~"))
                {
                    if (sibling.Offset == slot.Sense.Offset || wordSenses.Contains(sibling.Offset)) continue;
                    foreach (var lemma in sibling.Words)
                        if (lemma != slot.Lemma && IsCommonLemmaOf(lemma, sibling, 'n')) options.Add((slot.Index, Inflect(lemma, slot)));
                }
            }
        }
        return Sample(options, rng).Select(o => Make("cohyponym", NliLabel.Contradiction, $"{s.Words[o.Index].Word} -> {o.Lemma}", SentenceEdits.Replace(s, o.Index, o.Lemma)));
    }

    IEnumerable<Hypothesis> Negation(BrownSentence s)
    {
        var w = s.Words;
        for (int i = 1; i < w.Count - 1; i++)
        {
            string tag = w[i].Tag;
            // A subordinate clause or relative pronoun before the verb: the first verb is not the main one.
            if (tag is "cs" or "wdt" or "wps" or "wpo" or "wrb" or "to") return [];
            if (w[i].FullTag != tag) continue;
            string word = w[i].Word;
            if (SentenceEdits.BeForms.Contains(tag) && tag is not ("be" or "ben") || tag == "md" && word.ToLowerInvariant() is "will" or "can" or "shall"
                || tag is "dod" or "doz" or "do" || tag is "hvz" or "hvd" && w[i + 1].Tag is "vbn" or "ben")
                return [Make("negation", NliLabel.Contradiction, $"{word} -> {word} not", SentenceEdits.Insert(s, i + 1, "not"))];
            if (tag is "vbd" or "vbz" && SentenceEdits.IsLowerAlpha(word))
            {
                var bases = Wn.BaseForms(word, 'v');
                if (bases.Count == 0 || !SentenceEdits.IsLowerAlpha(bases[0])) return [];
                string aux = tag == "vbd" ? "did" : "does";
                var words = SentenceEdits.Words(s);
                words[i] = bases[0];
                words.InsertRange(i, [aux, "not"]);
                return [Make("negation", NliLabel.Contradiction, $"{word} -> {aux} not {bases[0]}", words)];
            }
            if (tag.StartsWith('v') || tag.StartsWith("be") || tag.StartsWith("hv") || tag == "md") return [];
        }
        return [];
    }

    IEnumerable<Hypothesis> Hyponym(BrownSentence s, SeededRandom rng)
    {
        var options = new List<(int Index, string Lemma)>();
        foreach (var slot in NounSlots(s, requireDeterminer: false))
            foreach (var child in Wn.Related(slot.Sense, "~"))
                foreach (var lemma in child.Words)
                    if (lemma != slot.Lemma && IsCommonLemmaOf(lemma, child, 'n')) options.Add((slot.Index, Inflect(lemma, slot)));
        return Sample(options, rng).Select(o => Make("hyponym", NliLabel.Neutral, $"{s.Words[o.Index].Word} -> {o.Lemma}", SentenceEdits.Replace(s, o.Index, o.Lemma)));
    }

    IEnumerable<Hypothesis> AddModifier(BrownSentence s, SeededRandom rng)
    {
        var options = new List<(int Index, string Adjective)>();
        foreach (var slot in NounSlots(s, requireDeterminer: true))
        {
            int i = slot.Index;
            if (!lex.AdjectivesBefore.TryGetValue(s.Words[i].Word, out var adjs)) continue;
            foreach (var (adj, count) in adjs)
                if (count >= 2 && SentenceEdits.IsLowerAlpha(adj) && !UndroppableAdjectives.Contains(adj) && Wn.Contains(adj, 'a'))
                    options.Add((i, adj));
        }
        return Sample(options, rng).Select(o => Make("add-modifier", NliLabel.Neutral, $"+{o.Adjective}", SentenceEdits.Insert(s, o.Index, o.Adjective)));
    }

    IEnumerable<Hypothesis> RelatedSentence(BrownSentence s, IReadOnlyList<BrownSentence> document, SeededRandom rng)
    {
        var nouns = s.Words.Where(t => t.Tag is "nn" or "nns").Select(t => t.Word.ToLowerInvariant()).ToHashSet();
        var options = new List<BrownSentence>();
        for (int j = Math.Max(0, s.Index - RelatedWindow); j <= Math.Min(document.Count - 1, s.Index + RelatedWindow); j++)
        {
            var other = document[j];
            if (j == s.Index || !PremiseFilter.IsClean(other) || other.Text == s.Text) continue;
            if (other.Words.Any(t => t.Tag is "nn" or "nns" && nouns.Contains(t.Word.ToLowerInvariant()))) options.Add(other);
        }
        return Sample(options, rng).Select(o => new Hypothesis("related-sentence", NliLabel.Neutral, o.Key, o.Text));
    }
}
