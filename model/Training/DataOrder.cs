using NativeDsp.Engine;
using NativeDsp.Engine.Checkpoints;

namespace NativeDsp.Model.Training;

/// <summary>
/// The order in which training examples are visited, as a function of a seed: epoch e visits the examples
/// in a permutation drawn from Rng(seed).Fork(e) (or in order without shuffling), in consecutive batches.
/// The state is (epoch, position), so a resumed run recomputes the current epoch's permutation and continues
/// with the very next example. A short last batch of an epoch is kept unless <see cref="DropLast"/>.
/// </summary>
public sealed class DataOrder
{
    int[]? permutation;
    long permutationEpoch = -1;

    /// <summary>The order over <paramref name="count"/> examples in batches of <paramref name="batchSize"/>, epoch 0, position 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count or batchSize is below 1.</exception>
    /// <exception cref="ArgumentException">With dropLast, batchSize exceeds count (no batch would ever be full).</exception>
    public DataOrder(int count, int batchSize, ulong seed, bool shuffle = true, bool dropLast = false)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "data order: the training set is empty");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "data order: the batch size must be at least 1");
        if (dropLast && batchSize > count) throw new ArgumentException($"data order: with drop-last, a batch of {batchSize} never fits in {count} examples");
        Count = count;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
        DropLast = dropLast;
    }

    /// <summary>The number of training examples.</summary>
    public int Count { get; }
    /// <summary>Examples per batch (the last one of an epoch may be shorter unless DropLast).</summary>
    public int BatchSize { get; }
    /// <summary>The seed the per-epoch permutations derive from (restored by <see cref="Restore"/>).</summary>
    public ulong Seed { get; private set; }
    /// <summary>True: each epoch visits a fresh permutation; false: examples in order.</summary>
    public bool Shuffle { get; }
    /// <summary>True: a short last batch of an epoch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The current epoch (0-based).</summary>
    public long Epoch { get; private set; }

    /// <summary>The index, in the current epoch's order, of the next example to visit.</summary>
    public long Position { get; private set; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>The state to checkpoint.</summary>
    public DataOrderState State => new(Epoch, Position, Seed, Count);

    /// <summary>Continues from a checkpointed state (its seed replaces this order's).</summary>
    /// <exception cref="ArgumentException">The state was made over another number of examples.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The epoch or position is invalid.</exception>
    public void Restore(DataOrderState state)
    {
        if (state.Count != Count)
            throw new ArgumentException($"data order: the checkpoint was made over {state.Count} training examples, this run has {Count}; the data order cannot be resumed");
        if (state.Epoch < 0 || state.Position < 0 || state.Position > Count)
            throw new ArgumentOutOfRangeException(nameof(state), $"data order: invalid state epoch {state.Epoch}, position {state.Position} for {Count} examples");
        Epoch = state.Epoch;
        Position = state.Position;
        Seed = state.Seed;
        permutation = null;
        permutationEpoch = -1;
    }

    /// <summary>The indices of the next batch; moves to the next epoch when the current one is used up.</summary>
    public int[] NextBatch()
    {
        long remaining = Count - Position;
        if (remaining == 0 || (DropLast && remaining < BatchSize))
        {
            Epoch++;
            Position = 0;
        }
        var order = Order();
        int take = (int)Math.Min(BatchSize, Count - Position);
        var batch = order.AsSpan((int)Position, take).ToArray();
        Position += take;
        return batch;
    }

    int[] Order()
    {
        if (permutation is not null && permutationEpoch == Epoch) return permutation;
        permutation = Shuffle ? new Rng(Seed).Fork((ulong)Epoch).Permutation(Count) : Enumerable.Range(0, Count).ToArray();
        permutationEpoch = Epoch;
        return permutation;
    }
}
