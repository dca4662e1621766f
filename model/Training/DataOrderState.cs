namespace NativeDsp.Model.Training;

/// <summary>
/// Where a deterministic pass over the training data stands: the epoch, the position of the next example
/// in that epoch's order, the seed the per-epoch shuffles derive from, and the data set size (so that a
/// resume over a different data set is caught instead of silently replaying another order).
/// </summary>
public readonly record struct DataOrderState(long Epoch, long Position, ulong Seed, long Count);
