using System.Runtime.InteropServices;
using NativeDsp.Engine;
using Onnx;

namespace NativeDsp.Model.Pretrained.Import;

/// <summary>How one linear layer's weight was found in the ONNX graph: bias initialiser, Add node, MatMul node, weight initialiser.</summary>
public sealed record OnnxLinearMatch(string HfWeight, string BiasInitializer, string AddNode, string MatMulNode, string WeightInitializer);

/// <summary>
/// Reads BERT weights out of an exported ONNX graph (Hugging Face's torch.onnx export, as in the MiniLM
/// package). Embeddings, LayerNorms and biases are initialisers under their Hugging Face names; the linear
/// weight matrices are not (the exporter names them by number, e.g. "onnx::MatMul_1234", and stores them
/// transposed, [in, out], as the MatMul's right operand). Each is found by walking the graph from its
/// layer's bias: the Add that consumes the bias, the MatMul that produces the Add's other operand, and
/// that MatMul's initialiser. Every step must be unambiguous; otherwise the import stops and says where.
/// </summary>
public static class OnnxBertWeights
{
    /// <summary>Hugging Face-named fp32 weights for <paramref name="config"/>, and the matches of the linear weights.</summary>
    public static (Dictionary<string, HostTensor> Weights, List<OnnxLinearMatch> Matches) Extract(GraphProto graph, BertConfig config)
    {
        var init = new Dictionary<string, TensorProto>();
        foreach (var t in graph.Initializer) init[t.Name] = t;
        var consumers = new Dictionary<string, List<NodeProto>>();
        var producer = new Dictionary<string, NodeProto>();
        foreach (var n in graph.Node)
        {
            foreach (var i in n.Input)
            {
                if (!consumers.TryGetValue(i, out var list)) consumers[i] = list = [];
                list.Add(n);
            }
            foreach (var o in n.Output) producer[o] = n;
        }

        var weights = new Dictionary<string, HostTensor>();
        var matches = new List<OnnxLinearMatch>();
        var used = new HashSet<string>();
        foreach (var t in BertLayout.Encoder(config))
        {
            if (init.TryGetValue(t.HfName, out var named))
            {
                weights[t.HfName] = ToHost(named, t.HfName);
                used.Add(t.HfName);
                continue;
            }
            if (!t.HfName.EndsWith(".weight", StringComparison.Ordinal) || t.Shape.Length != 2)
                throw new InvalidDataException($"ONNX BERT import: initialiser '{t.HfName}' is missing from the graph");
            var m = FindLinear(t.HfName, init, consumers, producer);
            if (!used.Add(m.WeightInitializer))
                throw new InvalidDataException($"ONNX BERT import: '{t.HfName}' resolves to initialiser '{m.WeightInitializer}', already used by another weight");
            var w = ToHost(init[m.WeightInitializer], m.WeightInitializer);
            weights[t.HfName] = Transpose(w, t.HfName);
            matches.Add(m);
        }
        return (weights, matches);
    }

    static OnnxLinearMatch FindLinear(string hfWeight, Dictionary<string, TensorProto> init,
                                      Dictionary<string, List<NodeProto>> consumers, Dictionary<string, NodeProto> producer)
    {
        string bias = hfWeight[..^".weight".Length] + ".bias";
        string Where() => $"ONNX BERT import: finding '{hfWeight}' from its bias '{bias}'";
        if (!init.ContainsKey(bias)) throw new InvalidDataException($"{Where()}: the bias is not an initialiser");
        var adds = consumers.GetValueOrDefault(bias, []).Where(n => n.OpType == "Add").ToList();
        if (adds.Count != 1) throw new InvalidDataException($"{Where()}: expected one Add consuming the bias, found {adds.Count}");
        var add = adds[0];
        var other = add.Input.Where(i => i != bias).ToList();
        if (other.Count != 1) throw new InvalidDataException($"{Where()}: Add '{add.Name}' has inputs [{string.Join(", ", add.Input)}], expected the bias and one other");
        if (!producer.TryGetValue(other[0], out var matMul) || matMul.OpType != "MatMul")
            throw new InvalidDataException($"{Where()}: Add '{add.Name}''s other input '{other[0]}' is not produced by a MatMul");
        var weightInputs = matMul.Input.Where(init.ContainsKey).ToList();
        if (weightInputs.Count != 1 || matMul.Input.Count != 2 || matMul.Input[1] != weightInputs[0])
            throw new InvalidDataException($"{Where()}: MatMul '{matMul.Name}' inputs [{string.Join(", ", matMul.Input)}]: expected an activation and a weight initialiser as the right operand");
        return new OnnxLinearMatch(hfWeight, bias, add.Name, matMul.Name, weightInputs[0]);
    }

    /// <summary>An fp32 initialiser (raw little-endian bytes or float_data) as a host tensor.</summary>
    public static HostTensor ToHost(TensorProto t, string name)
    {
        const int Float = 1; // TensorProto.DataType.FLOAT
        if (t.DataType != Float) throw new InvalidDataException($"ONNX BERT import: initialiser '{name}' has data type {t.DataType}, only FLOAT (1) is supported");
        var dims = t.Dims.Select(d => checked((int)d)).ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        float[] data;
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != count * 4) throw new InvalidDataException($"ONNX BERT import: initialiser '{name}' has {t.RawData.Length} bytes for shape [{string.Join(", ", dims)}]");
            data = MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        }
        else
        {
            if (t.FloatData.Count != count) throw new InvalidDataException($"ONNX BERT import: initialiser '{name}' has {t.FloatData.Count} floats for shape [{string.Join(", ", dims)}]");
            data = t.FloatData.ToArray();
        }
        return new HostTensor(new Shape(dims), data);
    }

    /// <summary>ONNX MatMul weights are [in, out]; ours and Hugging Face's are [out, in].</summary>
    static HostTensor Transpose(HostTensor w, string name)
    {
        if (w.Shape.Rank != 2) throw new InvalidDataException($"ONNX BERT import: the MatMul weight for '{name}' has shape {w.Shape}, expected a matrix");
        int rows = w.Shape[0], cols = w.Shape[1];
        var t = new float[w.Data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = w.Data[r * cols + c];
        return new HostTensor(new Shape(cols, rows), t);
    }
}
