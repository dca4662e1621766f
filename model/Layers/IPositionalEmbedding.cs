using NativeDsp.Engine;

namespace NativeDsp.Model.Layers;

/// <summary>Position vectors added to token embeddings: learned (BERT) or fixed sinusoids (Vaswani et al.).</summary>
public interface IPositionalEmbedding
{
    /// <summary>The number of positions the table covers.</summary>
    int MaxPositions { get; }
    /// <summary>The vector size.</summary>
    int Dim { get; }

    /// <summary>The vectors of positions [start, start + length): [length, dim], broadcast over the batch when added.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The positions exceed [0, MaxPositions).</exception>
    Tensor Forward(int start, int length);
}

internal static class Positions
{
    /// <summary>The position ids [start, start + length) as a tape-owned int tensor, checked against the table size.</summary>
    public static IntTensor Ids(Device device, int start, int length, int maxPositions)
    {
        if (start < 0 || length < 0 || start + length > maxPositions)
            throw new ArgumentOutOfRangeException(nameof(length), $"positional embedding: positions [{start}, {start + length}) exceed the table's {maxPositions} (raise MaxPositions)");
        var ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = start + i;
        return device.Tape.Own(IntTensor.FromArray(device, ids, length));
    }
}
