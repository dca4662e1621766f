using NativeDsp.Engine;

namespace NativeDsp.Model.Training;

/// <summary>
/// A model whose dropout masks all come from one random stream. Its state is part of what a continuation of
/// training needs: a run that resumes (or starts fine-tuning from a cached model) must draw the masks an
/// uninterrupted run would draw, so trainers checkpoint it as "dropout" and model caches store it.
/// </summary>
public interface IDropoutRandom
{
    /// <summary>The stream every dropout mask of the model is drawn from.</summary>
    Rng DropoutRng { get; }
}
