namespace NativeDsp.Experiments.Data.Io;

/// <summary>What a reader does with a malformed line: stop with its <c>file:line: reason</c>, or skip it and count it.</summary>
public enum BadLinePolicy
{
    Error,
    Skip,
}

/// <summary>
/// Collects the malformed lines a reader skipped, so that skipping is never silent: the caller prints
/// <see cref="Summary"/> (the count and the first few reasons) whenever <see cref="Count"/> is not zero.
/// </summary>
public sealed class BadLineLog(BadLinePolicy policy)
{
    const int KeptReasons = 5;
    readonly List<string> firstReasons = [];

    public BadLinePolicy Policy { get; } = policy;
    public int Count { get; private set; }
    public IReadOnlyList<string> FirstReasons => firstReasons;

    /// <summary>Records one malformed line; under <see cref="BadLinePolicy.Error"/> this throws instead.</summary>
    public void Report(string file, long line, string reason)
    {
        string where = $"{file}:{line}: {reason}";
        if (Policy == BadLinePolicy.Error) throw new DataInputException(where);
        Count++;
        if (firstReasons.Count < KeptReasons) firstReasons.Add(where);
    }

    /// <summary>One line for the user, e.g. "skipped 3 malformed lines (first: a.tsv:7: expected 3 fields, got 2)".</summary>
    public string Summary(string file) =>
        Count == 0 ? $"{file}: no malformed lines"
                   : $"{file}: skipped {Count} malformed line{(Count == 1 ? "" : "s")} (first: {firstReasons[0]})";
}
