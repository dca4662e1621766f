using NativeDsp.Experiments.Data.Io;

namespace NativeDsp.Experiments.Data.Nli;

/// <summary>
/// The file format of the generated NLI set: UTF-8 (gzipped for .gz), header
/// <c>id premise hypothesis label rule edit</c> (tab-separated), one example a line, labels spelled
/// out. <see cref="NliReader"/> reads it, and SNLI/MNLI files, the same way.
/// </summary>
public static class NliTsv
{
    public static readonly string[] Header = ["id", "premise", "hypothesis", "label", "rule", "edit"];

    public static void Write(string path, IEnumerable<NliExample> examples)
    {
        using var w = TextFiles.OpenWrite(path);
        w.WriteLine(string.Join('\t', Header));
        foreach (var e in examples)
        {
            string[] fields = [e.Id, e.Premise, e.Hypothesis, NliLabels.Name(e.Label), e.Rule, e.Edit];
            if (fields.Any(f => f.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0))
                throw new ArgumentException($"NliTsv.Write: example {e.Id} contains a tab or newline");
            w.WriteLine(string.Join('\t', fields));
        }
    }
}
