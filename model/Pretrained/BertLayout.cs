namespace NativeDsp.Model.Pretrained;

/// <summary>One weight of a BERT encoder: its Hugging Face name, our parameter name and its shape.</summary>
public sealed record BertTensor(string HfName, string OurName, int[] Shape);

/// <summary>
/// The explicit, one-to-one mapping between Hugging Face BertModel weights and ours (<see cref="BertEncoder"/>
/// and <see cref="Transformer.NliClassifier"/> use the same names). Linear weights are [out, in] on both sides.
/// The pooler is optional: sentence-embedding models such as MiniLM are exported without it.
/// </summary>
public static class BertLayout
{
    /// <summary>The Hugging Face name of the pooler's weight [d, d].</summary>
    public const string PoolerWeight = "pooler.dense.weight";
    /// <summary>The Hugging Face name of the pooler's bias [d].</summary>
    public const string PoolerBias = "pooler.dense.bias";

    /// <summary>Every weight of the encoder (embeddings and layers), in a fixed order.</summary>
    public static IReadOnlyList<BertTensor> Encoder(BertConfig c)
    {
        int d = c.HiddenSize, f = c.IntermediateSize;
        var list = new List<BertTensor>
        {
            new("embeddings.word_embeddings.weight", "token_embedding.weight", [c.VocabSize, d]),
            new("embeddings.position_embeddings.weight", "position_embedding.weight", [c.MaxPositions, d]),
            new("embeddings.token_type_embeddings.weight", "segment_embedding.weight", [c.TypeVocabSize, d]),
            new("embeddings.LayerNorm.weight", "embedding_layer_norm.weight", [d]),
            new("embeddings.LayerNorm.bias", "embedding_layer_norm.bias", [d]),
        };
        for (int i = 0; i < c.Layers; i++)
        {
            string hf = $"encoder.layer.{i}.", ours = $"encoder.layers.{i}.";
            foreach (var (hfLinear, ourLinear, outF, inF) in Linears(d, f))
            {
                list.Add(new(hf + hfLinear + ".weight", ours + ourLinear + ".weight", [outF, inF]));
                list.Add(new(hf + hfLinear + ".bias", ours + ourLinear + ".bias", [outF]));
            }
            foreach (var (hfNorm, ourNorm) in Norms)
            {
                list.Add(new(hf + hfNorm + ".weight", ours + ourNorm + ".weight", [d]));
                list.Add(new(hf + hfNorm + ".bias", ours + ourNorm + ".bias", [d]));
            }
        }
        return list;
    }

    /// <summary>The pooler's weight and bias (optional in a checkpoint).</summary>
    public static IReadOnlyList<BertTensor> Pooler(BertConfig c) =>
    [
        new(PoolerWeight, "pooler.weight", [c.HiddenSize, c.HiddenSize]),
        new(PoolerBias, "pooler.bias", [c.HiddenSize]),
    ];

    /// <summary>The six linear layers of one BERT layer: HF name, our name, out and in features.</summary>
    public static IEnumerable<(string Hf, string Ours, int Out, int In)> Linears(int d, int f) =>
    [
        ("attention.self.query", "self_attn.q_proj", d, d),
        ("attention.self.key", "self_attn.k_proj", d, d),
        ("attention.self.value", "self_attn.v_proj", d, d),
        ("attention.output.dense", "self_attn.out_proj", d, d),
        ("intermediate.dense", "ffn.fc1", f, d),
        ("output.dense", "ffn.fc2", d, f),
    ];

    static readonly (string Hf, string Ours)[] Norms =
    [
        ("attention.output.LayerNorm", "self_attn_layer_norm"),
        ("output.LayerNorm", "final_layer_norm"),
    ];
}
