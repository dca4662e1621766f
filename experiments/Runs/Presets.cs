using NativeDsp.Model.Transformer;

namespace NativeDsp.Experiments.Runs;

/// <summary>
/// The named presets of each task. quick: tiny models sized so that the default sweep of one task fits in
/// about a quarter of an hour on a shared 2-core machine (measured times in experiments/RESULTS.md);
/// full: larger models and schedules for CPU hours; paper: the paper's shapes and schedules, for a GPU.
/// </summary>
public static class Presets
{
    public static readonly string[] Names = ["quick", "full", "paper", "pretrained"];

    public static ExperimentConfig Get(string task, string preset) => (task, preset) switch
    {
        ("nli", "quick") => NliQuick,
        ("nli", "full") => NliFull,
        ("nli", "paper") => NliPaper,
        ("nli", "pretrained") => NliPretrained,
        ("mt", "quick") => MtQuick,
        ("mt", "full") => MtFull,
        ("mt", "paper") => MtPaper,
        ("mt", "pretrained") => throw new ArgumentException("the pretrained preset is nli only (a pretrained encoder, no decoder)"),
        _ => throw new ArgumentException($"unknown task/preset '{task}'/'{preset}'; tasks are nli, mt and presets {string.Join(", ", Names)}"),
    };

    // DSP's temperature schedule and mask learning rate are the paper's (BERT/MNLI: tau 1000 -> 1e-8, lr 0.5;
    // IWSLT: tau 0.1 -> 1e-8, lr 0.2) in every preset; only T_cool follows the run's length (t_cool = 0).
    static ExperimentConfig NliBase => new()
    {
        Layers = 3, DecoderLayers = 0, DModel = 64, AttnHeads = 4, Ffn = 128, Dropout = 0.1f,
        MaxLen = 48, TrainExamples = 6400, EvalExamples = 500,
        Steps = 200, MaskSteps = 60, FinetuneSteps = 0, Lr = 2e-3f, Warmup = 20, Batch = 16, ClipNorm = 1f, LabelSmoothing = 0f,
        Tau0 = 1000, TauEnd = 1e-8, TCool = 0, MaskLr = 0.5f,
        VoitaLambda = 0.05, VoitaLr = 0.1f,
        MichelStep = 0.1, MichelBatches = 8,
        DecodeMaxLen = 0,
        HeadsGrid = [3, 6],
    };

    // Tuned (experiments/RESULTS.md, "Quick preset tuning"): with BERT's Normal(0.02) init and post-LN the tiny
    // from-scratch model sits on the ln 3 plateau (attention stays uniform, [CLS] sees no input) for 1000+ steps;
    // Xavier init + pre-LN leave it at once. All 49k training pairs cost nothing per step; max_len 64 keeps
    // the edit (and the length difference) of most pairs that 48 cut; no dropout for a sub-epoch run.
    static ExperimentConfig NliQuick => NliBase with
    {
        Init = InitScheme.Fairseq, PreNorm = true, Dropout = 0f, MaxLen = 64, TrainExamples = 0,
        Steps = 2000, Warmup = 100, Lr = 2e-3f,
    };

    static ExperimentConfig NliFull => NliBase with
    {
        Layers = 4, DModel = 128, AttnHeads = 6, Ffn = 512, MaxLen = 64, TrainExamples = 0, EvalExamples = 0,
        Steps = 6000, MaskSteps = 2000, Lr = 1e-3f, Warmup = 300, Batch = 32, HeadsGrid = [2, 4, 6, 8, 12, 16, 20],
    };

    /// <summary>BERT-base's shape (12 x 12 heads, d 768, FFN 3072) and the paper's MNLI schedule (T_cool 25000).</summary>
    static ExperimentConfig NliPaper => NliBase with
    {
        Layers = 12, DModel = 768, AttnHeads = 12, Ffn = 3072, MaxLen = 128, TrainExamples = 0, EvalExamples = 0,
        Steps = 36000, MaskSteps = 25000, TCool = 25000, Lr = 1e-4f, Warmup = 3600, ClipNorm = 1f,
        HeadsGrid = [12, 24, 36, 48, 60, 72, 84, 96, 108, 120, 132],
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
        Steps = 600, MaskSteps = 200, Lr = 5e-5f, Warmup = 60, Batch = 16,
        HeadsGrid = [18, 36],
    };

    static ExperimentConfig MtBase => new()
    {
        Layers = 2, DecoderLayers = 2, DModel = 64, AttnHeads = 2, Ffn = 128, Dropout = 0.1f,
        MaxLen = 20, TrainExamples = 0, EvalExamples = 60,
        Steps = 200, MaskSteps = 60, FinetuneSteps = 0, Lr = 3e-3f, Warmup = 20, Batch = 16, ClipNorm = 1f, LabelSmoothing = 0.1f,
        Tau0 = 0.1, TauEnd = 1e-8, TCool = 0, MaskLr = 0.2f,
        VoitaLambda = 0.05, VoitaLr = 0.1f,
        MichelStep = 0.1, MichelBatches = 8,
        DecodeMaxLen = 30,
        HeadsGrid = [3, 6],
    };

    // Tuned (experiments/RESULTS.md, "Quick preset tuning (MT)"): 200 steps of batch 16 gave BLEU 0.3; 1200 steps of
    // batch 32 (~7 epochs of the ~5.6k short verses, ~35 s here) reach BLEU ~5.7 on 200 test verses, 3000 steps ~10.
    static ExperimentConfig MtQuick => MtBase with
    {
        Steps = 1200, Batch = 32, Lr = 3e-3f, Warmup = 100, EvalExamples = 200,
    };

    static ExperimentConfig MtFull => MtBase with
    {
        Layers = 3, DecoderLayers = 3, DModel = 256, AttnHeads = 4, Ffn = 512, Dropout = 0.2f, MaxLen = 64, EvalExamples = 0,
        Steps = 12000, MaskSteps = 3000, Lr = 1e-3f, Warmup = 1000, Batch = 48, DecodeMaxLen = 100,
        HeadsGrid = [4, 8, 12, 16, 24, 30],
    };

    /// <summary>fairseq's transformer_iwslt_de_en (6+6 layers, 4 heads, d 512, FFN 1024 = 72 heads) and the IWSLT schedule (T_cool 15000).</summary>
    static ExperimentConfig MtPaper => MtBase with
    {
        Layers = 6, DecoderLayers = 6, DModel = 512, AttnHeads = 4, Ffn = 1024, Dropout = 0.3f, MaxLen = 128, EvalExamples = 0,
        Steps = 50000, MaskSteps = 15000, TCool = 15000, Lr = 5e-4f, Warmup = 4000, Batch = 64, DecodeMaxLen = 200,
        HeadsGrid = [6, 12, 18, 24, 30, 36, 48, 60],
    };
}
