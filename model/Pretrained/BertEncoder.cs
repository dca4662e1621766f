using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Transformer;

namespace NativeDsp.Model.Pretrained;

/// <summary>
/// A Hugging Face BertModel without its pooler, returning the last hidden state: word + position +
/// token-type embeddings, embedding LayerNorm, then post-LN <see cref="EncoderLayer"/>s with erf GELU and
/// the fused attention op. It is built from the models branch's layers unchanged, under the same names as
/// <see cref="NliClassifier"/>, so its weights load into a classifier by name. No dropout: this module is
/// for inference and sentence embeddings; fine-tuning goes through <see cref="PretrainedBert.CreateNliClassifier"/>.
/// </summary>
public sealed class BertEncoder : Module
{
    /// <summary>A zero-filled encoder of <paramref name="config"/>'s shape (load weights with <see cref="PretrainedBert.CreateEncoder"/>).</summary>
    /// <exception cref="ArgumentException">The config is invalid (<see cref="BertConfig.Validate"/>).</exception>
    public BertEncoder(Device device, BertConfig config)
    {
        config.Validate("BERT encoder");
        Config = config;
        Device = device;
        var o = new LayerOptions(config.HiddenSize, config.Heads, config.IntermediateSize, 0f, 0f,
                                 NativeDsp.Kernels.Activation.Gelu, PreNorm: false, config.LayerNormEps);
        TokenEmbedding = RegisterModule("token_embedding", new Embedding(device, config.VocabSize, config.HiddenSize));
        PositionEmbedding = RegisterModule("position_embedding", new LearnedPositionalEmbedding(device, config.MaxPositions, config.HiddenSize));
        SegmentEmbedding = RegisterModule("segment_embedding", new Embedding(device, config.TypeVocabSize, config.HiddenSize));
        EmbeddingNorm = RegisterModule("embedding_layer_norm", new LayerNorm(device, config.HiddenSize, config.LayerNormEps));
        Encoder = RegisterModule("encoder", new TransformerEncoder(device, o, config.Layers, new Rng(0)));
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }
    /// <summary>The device holding the weights.</summary>
    public Device Device { get; }
    /// <summary>Word embeddings [vocab, d].</summary>
    public Embedding TokenEmbedding { get; }
    /// <summary>Position embeddings [max positions, d].</summary>
    public LearnedPositionalEmbedding PositionEmbedding { get; }
    /// <summary>Token-type embeddings [type vocab, d].</summary>
    public Embedding SegmentEmbedding { get; }
    /// <summary>The LayerNorm after the embedding sum.</summary>
    public LayerNorm EmbeddingNorm { get; }
    /// <summary>The post-LN encoder layers.</summary>
    public TransformerEncoder Encoder { get; }

    /// <summary>Last hidden state [B, T, d] of ids [B, T], token types [B, T] (null = 0) and key mask [B, T] (1 = token; null = none).</summary>
    public Tensor Forward(IntTensor ids, IntTensor? tokenTypes, Tensor? keyMask)
    {
        if (ids.Shape.Rank != 2) throw new ArgumentException($"BERT encoder: ids must be [B, T], got {ids.Shape}");
        if (tokenTypes is not null && tokenTypes.Shape != ids.Shape)
            throw new ShapeException("BERT encoder token types", ids.Shape, tokenTypes.Shape, "token type ids must match the token ids");
        int t = ids.Shape[1];
        if (t > Config.MaxPositions) throw new ArgumentException($"BERT encoder: {t} tokens exceed the {Config.MaxPositions} positions");
        var x = Ops.Add(TokenEmbedding.Forward(ids), PositionEmbedding.Forward(0, t));
        if (tokenTypes is not null) x = Ops.Add(x, SegmentEmbedding.Forward(tokenTypes));
        return Encoder.Forward(EmbeddingNorm.Forward(x), keyMask, gate: null);
    }

    /// <summary>
    /// The same from host arrays (row-major [batch, length]); <paramref name="attentionMask"/> is Hugging
    /// Face's (1 = token, 0 = padding), null for no padding. Device copies belong to the tape.
    /// </summary>
    public Tensor Forward(int[] ids, int[]? tokenTypes, int[]? attentionMask, int batch, int length)
    {
        var tape = Device.Tape;
        var idT = tape.Own(IntTensor.FromArray(Device, ids, batch, length));
        var typeT = tokenTypes is null ? null : tape.Own(IntTensor.FromArray(Device, tokenTypes, batch, length));
        Tensor? mask = null;
        if (attentionMask is not null)
        {
            if (attentionMask.Length != batch * length) throw new ArgumentException($"BERT encoder: {attentionMask.Length} mask entries for [{batch}, {length}]");
            mask = tape.Own(Tensor.FromArray(Device, attentionMask.Select(m => m != 0 ? 1f : 0f).ToArray(), batch, length));
        }
        return Forward(idT, typeT, mask);
    }

    /// <summary>
    /// Sentence embeddings as sentence-transformers computes them for MiniLM: the mean of the last hidden
    /// state over real tokens, L2-normalised. Returns [batch][d] on the host.
    /// </summary>
    public float[][] SentenceEmbeddings(int[] ids, int[]? tokenTypes, int[] attentionMask, int batch, int length)
    {
        using var scope = Device.Scope();
        using var noGrad = NoGrad.Scope();
        var h = Forward(ids, tokenTypes, attentionMask, batch, length).ToArray();
        int d = Config.HiddenSize;
        var result = new float[batch][];
        for (int b = 0; b < batch; b++)
        {
            var sum = new double[d];
            int n = 0;
            for (int t = 0; t < length; t++)
            {
                if (attentionMask[b * length + t] == 0) continue;
                n++;
                for (int j = 0; j < d; j++) sum[j] += h[(b * length + t) * d + j];
            }
            double norm = Math.Sqrt(sum.Sum(v => v * v));
            result[b] = sum.Select(v => (float)(norm > 0 ? v / norm : 0)).ToArray();
        }
        return result;
    }
}
