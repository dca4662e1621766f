namespace NativeDsp.Experiments.Metrics;

/// <summary>Classification accuracy, as a fraction in [0, 1].</summary>
public static class Accuracy
{
    public static double Compute(IReadOnlyList<int> predictions, IReadOnlyList<int> labels)
    {
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"Accuracy.Compute: {predictions.Count} predictions but {labels.Count} labels");
        if (labels.Count == 0) throw new ArgumentException("Accuracy.Compute: no examples");
        int right = 0;
        for (int i = 0; i < labels.Count; i++)
            if (predictions[i] == labels[i]) right++;
        return (double)right / labels.Count;
    }

    /// <summary>Accuracy per true class (the diagonal of the confusion matrix over its row sums); NaN for an absent class.</summary>
    public static double[] PerClass(IReadOnlyList<int> predictions, IReadOnlyList<int> labels, int classes)
    {
        if (predictions.Count != labels.Count)
            throw new ArgumentException($"Accuracy.PerClass: {predictions.Count} predictions but {labels.Count} labels");
        var right = new int[classes];
        var seen = new int[classes];
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Accuracy.PerClass: label outside 0..{classes - 1}");
            seen[labels[i]]++;
            if (predictions[i] == labels[i]) right[labels[i]]++;
        }
        return right.Select((r, c) => seen[c] == 0 ? double.NaN : (double)r / seen[c]).ToArray();
    }
}
