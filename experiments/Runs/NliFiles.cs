using NativeDsp.Experiments.Data.Io;
using NativeDsp.Experiments.Data.Nli;
using NativeDsp.Experiments.Tokenization;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The files one NLI run reads: the data folder's lexnli.{train,test}.tsv.gz and its WordPiece vocabulary, or the
/// files named by <c>--train/--valid/--test</c> (any <see cref="NliReader"/> format), for which a WordPiece
/// vocabulary is learnt on the training file when no pretrained encoder brings one.
/// </summary>
/// <param name="Train">Training file.</param>
/// <param name="Test">The file scored: --test, else --valid.</param>
/// <param name="CheckedOnly">--valid when --test is given too: read and checked, not scored.</param>
/// <param name="VocabularyFile">The data folder's vocabulary; null for named files (learn it with <see cref="LearnVocabulary"/>).</param>
public sealed record NliFiles(string Train, string Test, string? CheckedOnly, string? VocabularyFile)
{
    /// <summary>The files of <paramref name="config"/>: named ones, else those of <paramref name="dataDir"/>.</summary>
    /// <exception cref="ArgumentException">Named files without a training file, or without a file to score.</exception>
    public static NliFiles Of(ExperimentConfig config, string dataDir)
    {
        if (config.Train.Length == 0 && config.Valid.Length == 0 && config.Test.Length == 0)
            return new(NliDatasetBuilder.SplitFile(dataDir, "train"), NliDatasetBuilder.SplitFile(dataDir, "test"), null,
                       NliDatasetBuilder.WordPieceVocabFile(dataDir));
        if (config.Train.Length == 0)
            throw new ArgumentException("nli: --valid/--test FILE need --train FILE too (files of one data set; the data folder's would mix sets)");
        if (config.Test.Length == 0 && config.Valid.Length == 0)
            throw new ArgumentException("nli: --train FILE needs --test FILE (or --valid FILE) to score the run on");
        string train = Path.GetFullPath(config.Train);
        return config.Test.Length > 0
            ? new(train, Path.GetFullPath(config.Test), config.Valid.Length > 0 ? Path.GetFullPath(config.Valid) : null, null)
            : new(train, Path.GetFullPath(config.Valid), null, null);
    }

    /// <summary>What the loaded data depends on (for caching).</summary>
    public string Key => $"{Train}|{Test}|{CheckedOnly}|{VocabularyFile}";

    /// <summary>
    /// A WordPiece vocabulary learnt on the training file's premises and hypotheses, as the committed set's was
    /// (<see cref="WordPieceTrainer"/>, <see cref="NliBuildOptions.DefaultVocabSize"/> tokens at most).
    /// </summary>
    /// <exception cref="DataInputException">The training file cannot be read (file:line).</exception>
    public List<string> LearnVocabulary()
    {
        var examples = NliReader.Read(Train, new BadLineLog(BadLinePolicy.Error)).Examples;
        if (examples.Count == 0) throw new DataInputException($"{Train}: no labelled pairs to train on");
        var texts = examples.SelectMany(e => new[] { e.Premise, e.Hypothesis }).ToList();
        var words = texts.SelectMany(BertPreTokenizer.Split).ToList();
        // The initial symbols must fit; small files simply give a smaller vocabulary.
        int initial = words.SelectMany(WordPieceTrainer.InitialSymbols).Distinct(StringComparer.Ordinal).Count();
        int size = Math.Max(NliBuildOptions.DefaultVocabSize, initial + WordPieceTrainer.SpecialTokens.Count);
        return WordPieceTrainer.Learn(texts, size);
    }
}
