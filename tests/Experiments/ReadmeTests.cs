using NativeDsp.Experiments.Runs;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Tests.Experiments;

/// <summary>
/// What README tells a first-time reader, checked against the code that decides it.
/// <para>README's "Pruning beyond heads" table tells a reader which units each method prunes; the CLI decides it with
/// <see cref="PrunerFactory.Supports"/>. A new user read "smp: heads (neurons too)" while
/// <c>nativedsp nli --method smp --units blocks --keep-params-fraction 0.5</c> ran: the table must say what the
/// command accepts, kind by kind.</para>
/// </summary>
public sealed class ReadmeTests
{
    [Fact]
    public void UnitsColumnSaysWhatTheCommandAccepts()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "README.md"));
        int header = Array.FindIndex(lines, l => l.StartsWith("| method | what it is", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md has no '| method | what it is ...' table");
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.NotEmpty(rows);
        (string Word, UnitKind Kind)[] words =
            [("heads", UnitKind.Head), ("neurons", UnitKind.Neuron), ("blocks", UnitKind.AttentionBlock), ("blocks", UnitKind.FfnBlock)];
        foreach (string row in rows)
        {
            string[] cells = row.Split('|', StringSplitOptions.TrimEntries);
            // cells: "", method, what it is, units, setting, ""
            string methodText = cells[1].Trim('`');
            Assert.True(EnumText.TryParse(methodText, out PruningMethod method), $"README table: unknown method '{methodText}'");
            string units = cells[3];
            foreach (var (word, kind) in words)
            {
                bool claimed = units.StartsWith("any", StringComparison.Ordinal) || units.Contains(word, StringComparison.Ordinal);
                bool supported = PrunerFactory.Supports(method, kind.AsSet());
                Assert.True(claimed == supported,
                    $"README table, {methodText}: units column '{units}' {(claimed ? "claims" : "omits")} {kind}, which the CLI {(supported ? "accepts" : "refuses")}");
            }
        }
    }

    /// <summary>
    /// README's main job is the quick NLI sweep, whose preset calls itself a smoke test (tiny models from scratch,
    /// every method near the same accuracy). A first-time reader must learn that from README, before the hour's run,
    /// not from the protocol line the run prints.
    /// </summary>
    [Fact]
    public void MainJobSaysWhenItsPresetIsASmokeTest()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md"));
        int start = readme.IndexOf("## The two commands", StringComparison.Ordinal);
        int end = readme.IndexOf("Run the tests:", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no '## The two commands' ... 'Run the tests:' section");
        string mainJob = readme[start..end];
        Assert.Contains("--preset quick", mainJob);
        if (Presets.Get("nli", "quick").Protocol.StartsWith("smoke test", StringComparison.Ordinal))
            Assert.Contains("smoke test", mainJob);
    }
}
