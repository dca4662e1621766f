namespace NativeDsp.Model.Pruning.Units;

/// <summary>When a unit method decides what to remove, relative to training the model on the task.</summary>
public enum PruningStage
{
    /// <summary>While the model trains on the task (DSP/STE/Voita joint, MLPruning, SNIP).</summary>
    Joint,
    /// <summary>Pipelined: the model is trained first, then the mask is learned or scored (DSP pipelined, Michel, gradient ranking).</summary>
    AfterTraining,
    /// <summary>Single-shot on the pretrained model, then the pruned model is fine-tuned (SMP).</summary>
    BeforeFineTuning,
}
