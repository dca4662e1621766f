using System.Runtime.InteropServices;
using Google.Protobuf;
using NativeDsp.Engine.Checkpoints;
using Onnx;

namespace NativeDsp.Experiments.Export;

/// <summary>
/// Builds an ONNX graph (default domain, opset <see cref="Opset"/>) node by node with the protobuf classes that
/// OnnxSharp generates from onnx.proto, and writes it with Google.Protobuf's serialiser. Names of intermediate
/// values are generated ("n12_MatMul"); graph inputs, outputs and weights are named by the caller. The
/// transformer pieces every export shares (linear layers, LayerNorm, multi-head attention, activations) are here.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>ONNX opset 17: the first with LayerNormalization; Trilu (14), Range (11), Erf (9) are older.</summary>
    public const int Opset = 17;

    /// <summary>IR version 8 is the one that goes with opset 17 (onnx/helper.py's VERSION_TABLE, onnx 1.12).</summary>
    public const long IrVersion = 8;

    readonly GraphProto graph = new();
    readonly Dictionary<string, string> constants = [];
    int counter;

    public OnnxGraphBuilder(string name) => graph.Name = name;

    public GraphProto Graph => graph;

    // ---------------------------------------------------------------- graph interface

    /// <summary>A graph input of element type <paramref name="type"/> and dims (a string = a symbolic dimension, an int = fixed).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Names <paramref name="value"/> as graph output <paramref name="name"/> (through an Identity when it has another name).</summary>
    public void Output(string value, string name, TensorProto.Types.DataType type, params object[] dims)
    {
        if (value != name) Node("Identity", [value], output: name);
        graph.Output.Add(ValueInfo(name, type, dims));
    }

    static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s }
                                        : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>An fp32 initialiser (raw little-endian bytes, as exporters write them).</summary>
    public string Weight(string name, float[] data, params int[] dims)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"ONNX export: weight '{name}' has {data.Length} values for dims [{string.Join(", ", dims)}]");
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())) };
        t.Dims.AddRange(dims.Select(d => (long)d));
        graph.Initializer.Add(t);
        return name;
    }

    /// <summary>An int64 constant initialiser (shapes, axes, indices), shared by value. Empty dims = a scalar.</summary>
    public string Int64s(long[] values, params int[] dims)
    {
        string key = $"i64[{string.Join(",", dims)}]:{string.Join(",", values)}";
        if (constants.TryGetValue(key, out var existing)) return existing;
        string name = $"const_i64_{constants.Count}";
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims.Select(d => (long)d));
        t.Int64Data.AddRange(values);
        graph.Initializer.Add(t);
        return constants[key] = name;
    }

    /// <summary>A float scalar constant, shared by value.</summary>
    public string Scalar(float value)
    {
        string key = $"f32:{BitConverter.SingleToInt32Bits(value)}";
        if (constants.TryGetValue(key, out var existing)) return existing;
        string name = $"const_f32_{constants.Count}";
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.FloatData.Add(value);
        graph.Initializer.Add(t);
        return constants[key] = name;
    }

    /// <summary>Adds a node; returns its (first) output name.</summary>
    public string Node(string op, string[] inputs, IEnumerable<AttributeProto>? attributes = null, string? output = null)
    {
        var node = new NodeProto { OpType = op, Name = $"n{counter}_{op}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? $"n{counter}_{op}");
        counter++;
        if (attributes is not null) node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return node.Output[0];
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto TensorAttribute(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    // ---------------------------------------------------------------- transformer pieces

    /// <summary>
    /// x W^T + b for a PyTorch-layout weight W [out, in]: the weight is stored transposed ([in, out], the right
    /// operand of MatMul, as torch.onnx exports nn.Linear) and the bias added after, so x may be of any rank.
    /// </summary>
    public string Linear(string x, string prefix, float[] weight, int outFeatures, int inFeatures, float[]? bias)
    {
        var wt = new float[weight.Length];
        for (int r = 0; r < outFeatures; r++)
            for (int c = 0; c < inFeatures; c++) wt[c * outFeatures + r] = weight[r * inFeatures + c];
        var y = Node("MatMul", [x, Weight(prefix + ".weight", wt, inFeatures, outFeatures)]);
        return bias is null ? y : Node("Add", [y, Weight(prefix + ".bias", bias, outFeatures)]);
    }

    /// <summary>LayerNormalization over the last axis (opset 17).</summary>
    public string LayerNorm(string x, string prefix, float[] gamma, float[] beta, float eps) =>
        Node("LayerNormalization", [x, Weight(prefix + ".weight", gamma, gamma.Length), Weight(prefix + ".bias", beta, beta.Length)],
             [Int("axis", -1), Float("epsilon", eps)]);

    /// <summary>ReLU, exact GELU 0.5 x (1 + erf(x / sqrt 2)), or the tanh approximation of GELU.</summary>
    public string Activate(string x, NativeDsp.Kernels.Activation activation)
    {
        switch (activation)
        {
            case NativeDsp.Kernels.Activation.Relu:
                return Node("Relu", [x]);
            case NativeDsp.Kernels.Activation.Gelu:
            {
                var erf = Node("Erf", [Node("Mul", [x, Scalar((float)(1 / Math.Sqrt(2)))])]);
                return Node("Mul", [Node("Mul", [x, Scalar(0.5f)]), Node("Add", [erf, Scalar(1f)])]);
            }
            case NativeDsp.Kernels.Activation.GeluTanh:
            {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                var cube = Node("Mul", [Node("Mul", [x, x]), x]);
                var inner = Node("Mul", [Node("Add", [x, Node("Mul", [cube, Scalar(0.044715f)])]), Scalar((float)Math.Sqrt(2 / Math.PI))]);
                return Node("Mul", [Node("Mul", [x, Scalar(0.5f)]), Node("Add", [Node("Tanh", [inner]), Scalar(1f)])]);
            }
            default:
                throw new NotSupportedException($"ONNX export: activation {activation} has no export");
        }
    }

    /// <summary>
    /// An additive attention bias [B, 1, 1, T] from a 0/1 mask [B, T] of any numeric type: 0 where 1, the most
    /// negative float where 0 (transformers' get_extended_attention_mask: (1 - mask) * finfo(float32).min).
    /// </summary>
    public string KeyMaskBias(string mask)
    {
        var m = Node("Cast", [mask], [Int("to", (long)TensorProto.Types.DataType.Float)]);
        var bias = Node("Mul", [Node("Sub", [Scalar(1f), m]), Scalar(float.MinValue)]);
        return Node("Unsqueeze", [bias, Int64s([1, 2], 2)]);
    }

    /// <summary>
    /// Multi-head attention with <paramref name="heads"/> heads of <paramref name="headDim"/> (only the kept
    /// heads: the projections are [heads * headDim, d] and [d, heads * headDim]). query [B, Tq, d], keyValue
    /// [B, Tk, d]; <paramref name="bias"/> is added to the scores (broadcast to [B, heads, Tq, Tk]) or null.
    /// With no heads the block outputs out_proj's bias alone (what NativeDsp's MultiHeadAttention computes).
    /// </summary>
    public string Attention(string query, string keyValue, string? bias, string prefix, AttentionWeights w, int heads, int headDim, int dim)
    {
        int inner = heads * headDim;
        if (heads == 0)
        {
            var zeros = Node("Mul", [query, Scalar(0f)]);
            return w.OutBias is null ? zeros : Node("Add", [zeros, Weight(prefix + ".out_proj.bias", w.OutBias, dim)]);
        }
        var shape = Int64s([0, 0, heads, headDim], 4);
        string Split(string x, long[] perm) => Node("Transpose", [Node("Reshape", [x, shape])], [Ints("perm", perm)]);
        var q = Split(Linear(query, prefix + ".q_proj", w.Q, inner, dim, w.QBias), [0, 2, 1, 3]);  // [B, H, Tq, D]
        var k = Split(Linear(keyValue, prefix + ".k_proj", w.K, inner, dim, w.KBias), [0, 2, 3, 1]); // [B, H, D, Tk]
        var v = Split(Linear(keyValue, prefix + ".v_proj", w.V, inner, dim, w.VBias), [0, 2, 1, 3]); // [B, H, Tk, D]
        var scores = Node("Mul", [Node("MatMul", [q, k]), Scalar((float)(1 / Math.Sqrt(headDim)))]);
        if (bias is not null) scores = Node("Add", [scores, bias]);
        var probs = Node("Softmax", [scores], [Int("axis", -1)]);
        var context = Node("Transpose", [Node("MatMul", [probs, v])], [Ints("perm", 0, 2, 1, 3)]);
        context = Node("Reshape", [context, Int64s([0, 0, inner], 3)]);
        return Linear(context, prefix + ".out_proj", w.Out, dim, inner, w.OutBias);
    }

    /// <summary>The model proto (opset and IR version stated, producer named) around this graph.</summary>
    public ModelProto Model(string docString)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "nativedsp",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (protobuf binary).</summary>
    public static void Save(ModelProto model, string path) => AtomicFile.Write(path, s => model.WriteTo(s));
}

/// <summary>One attention module's weights in PyTorch layout ([out, in]) as host arrays.</summary>
public sealed record AttentionWeights(float[] Q, float[]? QBias, float[] K, float[]? KBias, float[] V, float[]? VBias, float[] Out, float[]? OutBias)
{
    public static AttentionWeights Of(NativeDsp.Model.Layers.MultiHeadAttention a) => new(
        a.QProj.Weight.ToArray(), a.QProj.Bias?.ToArray(), a.KProj.Weight.ToArray(), a.KProj.Bias?.ToArray(),
        a.VProj.Weight.ToArray(), a.VProj.Bias?.ToArray(), a.OutProj.Weight.ToArray(), a.OutProj.Bias?.ToArray());
}
