namespace NativeDsp.Engine.Checkpoints;

/// <summary>
/// The NaN/Inf check applied to weights as they are loaded from a file (a pretrained checkpoint, a training
/// checkpoint, a cached model). A non-finite weight makes every later loss NaN or a metric silently wrong, and
/// the training step that finds the NaN is far from its cause; refusing the file names the cause.
/// </summary>
public static class FiniteWeights
{
    /// <summary>Fails unless every value of the tensor <paramref name="name"/> read from <paramref name="path"/> is finite.</summary>
    /// <param name="path">The file the tensor came from (named in the message).</param>
    /// <param name="name">The tensor's name in the file.</param>
    /// <param name="values">Its values.</param>
    /// <exception cref="SafetensorsFormatException">A value is NaN or infinite; the message names the file, the tensor, the first bad index and the count.</exception>
    public static void Require(string path, string name, ReadOnlySpan<float> values)
    {
        int first = -1;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
            {
                first = i;
                break;
            }
        if (first < 0) return;
        int count = 0;
        for (int i = first; i < values.Length; i++)
            if (!float.IsFinite(values[i])) count++;
        throw new SafetensorsFormatException(path,
            $"tensor '{name}' holds {count} non-finite value{(count == 1 ? "" : "s")} (the first, at flat index {first}, is {values[first]}): " +
            "the file is damaged or was saved from a diverged run; use another checkpoint");
    }

    /// <summary>Applies <see cref="Require(string, string, ReadOnlySpan{float})"/> to every tensor of a state dict.</summary>
    /// <exception cref="SafetensorsFormatException">A tensor holds a NaN or an infinity.</exception>
    public static void Require(string path, IEnumerable<KeyValuePair<string, HostTensor>> tensors)
    {
        foreach (var (name, tensor) in tensors) Require(path, name, tensor.Data);
    }
}
