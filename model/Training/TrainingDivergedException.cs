namespace NativeDsp.Model.Training;

/// <summary>
/// Training that went wrong in a way more steps will not fix: a non-finite loss or gradient norm (training
/// stops before the update, so the weights and the last checkpoint stay as they were after the previous step),
/// or a finite loss that stayed far above its running minimum (<see cref="TrainerOptions.DivergenceFactor"/>).
/// The message says what to change: the learning rate, first.
/// </summary>
public sealed class TrainingDivergedException : NativeDsp.Engine.ExpectedFailureException
{
    /// <summary>A non-finite <paramref name="quantity"/> ("loss", "gradient norm") at <paramref name="step"/>.</summary>
    /// <param name="step">The step whose update was not applied.</param>
    /// <param name="quantity">What was not finite.</param>
    /// <param name="value">Its value (NaN or an infinity).</param>
    /// <param name="lastCheckpoint">The last checkpoint written, left untouched (null = none).</param>
    public TrainingDivergedException(long step, string quantity, float value, string? lastCheckpoint)
        : base($"training diverged at step {step}: the {quantity} is {value}; the update was not applied" +
               (lastCheckpoint is null ? "" : $" and the last good checkpoint '{lastCheckpoint}' was left untouched") +
               "; lower the learning rate (or set gradient clipping)")
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    /// <summary>A finite loss above <paramref name="factor"/> x its running minimum <paramref name="minimum"/> for <paramref name="steps"/> steps.</summary>
    /// <param name="step">The step at which the rule fired.</param>
    /// <param name="value">The loss at that step.</param>
    /// <param name="minimum">The lowest loss of the run before it.</param>
    /// <param name="factor">The stated multiple (<see cref="TrainerOptions.DivergenceFactor"/>).</param>
    /// <param name="steps">The stated number of steps (<see cref="TrainerOptions.DivergenceSteps"/>).</param>
    public TrainingDivergedException(long step, float value, float minimum, double factor, int steps)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture,
               $"training diverged at step {step}: the loss ({value:G4}) has been above {factor:G4} x its lowest value ({minimum:G4}) for {steps} steps; lower the learning rate"))
    {
        Step = step;
        Quantity = "loss";
        Value = value;
    }

    /// <summary><paramref name="inner"/> with a message that adds what the caller knows (e.g. the command-line names of the learning rates).</summary>
    /// <param name="inner">The trainer's exception.</param>
    /// <param name="message">The complete message.</param>
    public TrainingDivergedException(TrainingDivergedException inner, string message) : base(message, inner)
    {
        Step = inner.Step;
        Quantity = inner.Quantity;
        Value = inner.Value;
    }

    /// <summary>The step at which training stopped.</summary>
    public long Step { get; }

    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; }

    /// <summary>The offending value.</summary>
    public float Value { get; }
}
