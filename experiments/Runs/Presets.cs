using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The named presets of each task. quick: tiny models (smoke tests; a full-curve sweep costs about an hour,
/// experiments/RESULTS.md); full: larger models and schedules for CPU hours; paper: the paper's shapes and
/// schedules, for a GPU; pretrained: MiniLM, the main NLI setting.
/// <para>
/// Every preset follows the official protocol (rycolab/differentiable-subset-pruning) unless its
/// <see cref="ExperimentConfig.Protocol"/> says otherwise and why: pipelined DSP/STE/Voita learn the mask on the
/// frozen model for one epoch (<c>mask_epochs</c> 1), DSP's temperature anneals over the first
/// <c>cooldown</c> of the mask-learning steps (BERT/MNLI: 8,333 of ~12,300 steps pipelined and 25,000 of ~36,800
/// joint, both ~2/3; IWSLT: 250 of ~1,100 steps pipelined and 15,000 of ~66,000 joint, both ~0.23) and is held at
/// tau_end after; Michel masks total/12 heads a step, recomputing the importance after each step, down to
/// exactly K; Voita's lambda is searched per K (bisection) so that the gates reach K.
/// </para>
/// </summary>
public static class Presets
{
    /// <summary>The preset names, as --preset takes them.</summary>
    public static readonly string[] Names = ["quick", "full", "paper", "pretrained", "units"];

    /// <summary>The config of <paramref name="preset"/> for <paramref name="task"/> ("nli" or "mt").</summary>
    /// <exception cref="ArgumentException">An unknown task or preset, or the pretrained preset for mt.</exception>
    public static ExperimentConfig Get(string task, string preset) => (task, preset) switch
    {
        ("nli", "quick") => NliQuick,
        ("nli", "full") => NliFull,
        ("nli", "paper") => NliPaper,
        ("nli", "pretrained") => NliPretrained,
        ("nli", "units") => NliUnits,
        ("mt", "quick") => MtQuick,
        ("mt", "full") => MtFull,
        ("mt", "paper") => MtPaper,
        ("mt", "pretrained") => throw new ArgumentException("the pretrained preset is nli only (a pretrained encoder, no decoder)"),
        ("mt", "units") => throw new ArgumentException("the units preset is nli only (the mt model prunes heads only)"),
        _ => throw new ArgumentException($"unknown task/preset '{task}'/'{preset}'; tasks are nli, mt and presets {string.Join(", ", Names)}"),
    };

    // DSP's temperature schedule and mask learning rate are the paper's (BERT/MNLI: tau 1000 -> 1e-8, lr 0.5;
    // IWSLT: tau 0.1 -> 1e-8, lr 0.2) in every preset; only T_cool follows the run's length (t_cool = 0).
    static ExperimentConfig NliBase => new()
    {
        Layers = 3, DecoderLayers = 0, DModel = 64, AttnHeads = 4, Ffn = 128, Dropout = 0.1f,
        MaxLen = 48, TrainExamples = 6400, EvalExamples = 500,
        Steps = 200, MaskSteps = 0, MaskEpochs = 1, FinetuneSteps = 0, Lr = 2e-3f, Warmup = 20, Batch = 16, ClipNorm = 1f, LabelSmoothing = 0f,
        Tau0 = 1000, TauEnd = 1e-8, TCool = 0, Cooldown = 2.0 / 3.0, MaskLr = 0.5f,
        VoitaLambda = 0.05, VoitaLr = 0.1f, VoitaSearch = true, VoitaLambdaLow = 1e-4, VoitaLambdaHigh = 1, VoitaTrials = 6, VoitaTrialFraction = 0.25,
        MichelStep = 1.0 / 12.0, MichelBatches = 0,
        DecodeMaxLen = 0,
        HeadsGrid = [3, 6],
    };

    // What every preset departs from, said once and included in each Protocol text.
    const string VoitaSearchNote =
        "Voita: lambda per K by bisection in log lambda over [voita_lambda_low, voita_lambda_high] with voita_trials short runs of " +
        "voita_trial_fraction of the run's mask steps each (the official code " +
        "fixes lambda per run and reports the K reached; the search is ours, so that Voita is compared at the same K); " +
        "the row records the lambda and the K its gates reached, and the top-K gates are kept.";

    // Tuned (experiments/RESULTS.md, "Quick preset tuning"): with BERT's Normal(0.02) init and post-LN the tiny
    // from-scratch model sits on the ln 3 plateau (attention stays uniform, [CLS] sees no input) for 1000+ steps;
    // Xavier init + pre-LN leave it at once. All 49k training pairs cost nothing per step; max_len 64 keeps
    // the edit (and the length difference) of most pairs that 48 cut; no dropout for a sub-epoch run.
    static ExperimentConfig NliQuick => NliBase with
    {
        Init = InitScheme.Fairseq, PreNorm = true, Dropout = 0f, MaxLen = 64, TrainExamples = 0,
        Steps = 2000, Warmup = 100, Lr = 2e-3f,
        MichelBatches = 256,
        HeadsGrid = [1, 2, 3, 4, 6, 8], JointHeadsGrid = [1, 3, 6],
        Protocol = "smoke test, not a result: a 12-head model trained from scratch (accuracy ~0.5). Official: mask_epochs 1 " +
                   "(3,080 steps of batch 16), cooldown 2/3, Michel 1 head (12/12) a step recomputed after each. Departures: Michel's importance " +
                   "over 256 batches (4,096 pairs, 1/12 of the training set) instead of the whole set, to keep a Michel run under a minute; " + VoitaSearchNote,
    };

    static ExperimentConfig NliFull => NliBase with
    {
        // d 192: 128 (before) is not divisible by the 6 heads, so the preset failed validation.
        Layers = 4, DModel = 192, AttnHeads = 6, Ffn = 512, MaxLen = 64, TrainExamples = 0, EvalExamples = 0,
        Steps = 6000, Lr = 1e-3f, Warmup = 300, Batch = 32, HeadsGrid = [2, 4, 6, 8, 12, 16, 20], JointHeadsGrid = [2, 6, 12],
        Protocol = "official: mask_epochs 1, cooldown 2/3, Michel 2 of 24 heads a step over the whole training set. Departures: " + VoitaSearchNote,
    };

    /// <summary>BERT-base's shape (12 x 12 heads, d 768, FFN 3072) and the paper's MNLI schedule (T_cool 25000).</summary>
    static ExperimentConfig NliPaper => NliBase with
    {
        Layers = 12, DModel = 768, AttnHeads = 12, Ffn = 3072, MaxLen = 128, TrainExamples = 0, EvalExamples = 0,
        Steps = 36000, Lr = 1e-4f, Warmup = 3600, ClipNorm = 1f,
        HeadsGrid = [12, 24, 36, 48, 60, 72, 84, 96, 108, 120, 132], JointHeadsGrid = [12, 36, 72],
        Protocol = "official BERT/MNLI values on our NLI data: mask_epochs 1, cooldown 2/3 (the official T_cool 8,333 pipelined and 25,000 " +
                   "joint are 2/3 of MNLI's epoch and of its 3 epochs), Michel 12 of 144 heads a step over the whole training set. Departures: " + VoitaSearchNote,
    };

    /// <summary>
    /// MiniLM (all-MiniLM-L6-v2: 6 layers x 12 heads = 72, d 384) fine-tuned on the NLI set with a fresh
    /// classification head, BERT's fine-tuning recipe (AdamW, warm-up 10% then linear decay, dropout 0.1) cut to
    /// what CPU hours allow; runtime measured in experiments/RESULTS.md. "--init PATH" swaps in a BERT checkpoint.
    /// </summary>
    static ExperimentConfig NliPretrained => NliBase with
    {
        Pretrained = "minilm", Layers = 6, DModel = 384, AttnHeads = 12, Ffn = 1536, PreNorm = false, Dropout = 0.1f,
        MaxLen = 64, TrainExamples = 0, EvalExamples = 500,
        Steps = 600, MaskEpochs = 0.2, Lr = 5e-5f, Warmup = 60, Batch = 16,
        MichelBatches = 32, VoitaTrials = 5, VoitaTrialFraction = 0.2,
        HeadsGrid = [6, 12, 18, 24, 36, 48], JointHeadsGrid = [6, 18, 36],
        Protocol = "the main NLI setting. Official: cooldown 2/3 of the mask steps, Michel 6 of 72 heads (1/12) a step, recomputed after each, " +
                   "to exactly K. Departures, for a 3-seed pipelined sweep of <= 6 hours of this 2-core machine (RESULTS.md): the mask is learnt for 0.2 epoch (616 " +
                   "steps of batch 16), as much data as the model's own fine-tuning saw (600 steps; the official code fine-tunes for 3 epochs " +
                   "and learns the mask for 1, a third of it); Michel's importance over 32 batches (512 pairs) instead of the whole training " +
                   "set (3,080 batches, ~15 min a step here); the lambda search with 5 trials of 0.2 of the mask steps; " + VoitaSearchNote,
    };

    /// <summary>
    /// The unit sweep of issue 20 on the MiniLM NLI setting: quality vs kept parameters and vs measured speed-up for DSP
    /// over heads and over heads + FFN neurons and the reading list's methods, at 4 parameter budgets, cut so that
    /// the sweep of 2 seeds (<c>sweep --task nli --preset units --seeds 1,2 --out DIR</c>) takes about 40 minutes of
    /// this 2-core machine (estimate in RESULTS.md; not measured).
    /// </summary>
    static ExperimentConfig NliUnits => NliPretrained with
    {
        Steps = 60, Warmup = 6, MaskSteps = 30, EvalExamples = 200, MichelBatches = 8, TimeReps = 5, TimeBatch = 16,
        KeepParamsGrid = [0.25, 0.5, 0.75, 0.9],
        UnitMethods = [PruningMethod.Dsp, PruningMethod.Gradrank, PruningMethod.Smp, PruningMethod.Mlpruning, PruningMethod.Snip, PruningMethod.None],
        Protocol = "the unit sweep (issue 20), cut to ~42 min of this 2-core machine for 2 seeds (estimate, RESULTS.md): MiniLM fine-tuned for " +
                   "60 steps of batch 16 (the pretrained preset: 600), masks learnt for 30 steps on the frozen model (pipelined DSP), " +
                   "gradient ranking's trials and SMP's meta-pruner sized from the mask steps, joint methods (MLPruning, SNIP) train 60 steps " +
                   "with their mask, SMP prunes the pretrained model then fine-tunes it for 60 steps; 200 test pairs; budgets are fractions of " +
                   "the prunable units' parameters, every kind keeping the same share (UnitBudget.FromCost); importance batches: 8; timing: " +
                   "median of 5 forward passes of 16 test pairs after 3 warm-up passes (re-time on a quiet machine with the time verb). " +
                   "Quality is far below the pretrained preset's: the curves compare methods at equal cost, not the setting's best accuracy.",
    };

    static ExperimentConfig MtBase => new()
    {
        Layers = 2, DecoderLayers = 2, DModel = 64, AttnHeads = 2, Ffn = 128, Dropout = 0.1f,
        MaxLen = 20, TrainExamples = 0, EvalExamples = 60,
        Steps = 200, MaskSteps = 0, MaskEpochs = 1, FinetuneSteps = 0, Lr = 3e-3f, Warmup = 20, Batch = 16, ClipNorm = 1f, LabelSmoothing = 0.1f,
        // IWSLT cools over ~0.23 of the mask-learning steps in both settings: 250 of one epoch of ~1,100 updates (160k pairs at
        // fairseq's max_tokens 4096; the update count per epoch is our estimate) and 15,000 of 60 such epochs.
        Tau0 = 0.1, TauEnd = 1e-8, TCool = 0, Cooldown = 0.23, MaskLr = 0.2f,
        VoitaLambda = 0.05, VoitaLr = 0.1f, VoitaSearch = true, VoitaLambdaLow = 1e-4, VoitaLambdaHigh = 1, VoitaTrials = 6, VoitaTrialFraction = 0.25,
        MichelStep = 1.0 / 12.0, MichelBatches = 0,
        DecodeMaxLen = 30,
        HeadsGrid = [3, 6],
    };

    // Tuned (experiments/RESULTS.md, "Quick preset tuning (MT)"): 200 steps of batch 16 gave BLEU 0.3; 1200 steps of
    // batch 32 (~7 epochs of the ~5.6k short verses, ~35 s here) reach BLEU ~5.7 on 200 test verses, 3000 steps ~10.
    static ExperimentConfig MtQuick => MtBase with
    {
        Steps = 1200, Batch = 32, Lr = 3e-3f, Warmup = 100, EvalExamples = 200,
        HeadsGrid = [1, 2, 3, 4, 6, 8], JointHeadsGrid = [1, 3, 6],
        Protocol = "smoke test, not a result: a 12-head encoder-decoder from scratch (BLEU ~5.6). Official IWSLT protocol: mask_epochs 1 (175 steps " +
                   "of batch 32), cooldown 0.23 (IWSLT: 250 of ~1,100 steps), Michel 1 head (12/12) a step over the whole training set, recomputed " +
                   "after each. Departures: greedy decoding of 200 test verses (official: beam 5 on the whole test set); " + VoitaSearchNote,
    };

    static ExperimentConfig MtFull => MtBase with
    {
        Layers = 3, DecoderLayers = 3, DModel = 256, AttnHeads = 4, Ffn = 512, Dropout = 0.2f, MaxLen = 64, EvalExamples = 0,
        Steps = 12000, Lr = 1e-3f, Warmup = 1000, Batch = 48, DecodeMaxLen = 100,
        HeadsGrid = [3, 6, 9, 12, 18, 24], JointHeadsGrid = [3, 9, 18],
        Protocol = "official IWSLT protocol: mask_epochs 1, cooldown 0.23, Michel 3 of 36 heads a step over the whole training set. Departures: " + VoitaSearchNote,
    };

    /// <summary>fairseq's transformer_iwslt_de_en (6+6 layers, 4 heads, d 512, FFN 1024 = 72 heads) and the IWSLT schedule (T_cool 15000).</summary>
    static ExperimentConfig MtPaper => MtBase with
    {
        Layers = 6, DecoderLayers = 6, DModel = 512, AttnHeads = 4, Ffn = 1024, Dropout = 0.3f, MaxLen = 128, EvalExamples = 0,
        Steps = 50000, Lr = 5e-4f, Warmup = 4000, Batch = 64, DecodeMaxLen = 200,
        HeadsGrid = [6, 12, 18, 24, 30, 36, 48, 60], JointHeadsGrid = [6, 18, 36],
        Protocol = "official IWSLT values: mask_epochs 1, cooldown 0.23 (250 of ~1,100 steps pipelined; 15,000 of ~66,000 joint), Michel 6 of 72 " +
                   "heads (official: 4 of 72, i.e. 1/18; we use 1/12 as for BERT so that both tasks share one rule) over the whole training set. " +
                   "Departures: that step, and " + VoitaSearchNote,
    };
}
