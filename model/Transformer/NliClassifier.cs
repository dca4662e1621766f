using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning;
using NativeDsp.Model.Pruning.Units;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// A BERT-style sentence-pair classifier: one sequence "[CLS] premise [SEP] hypothesis [SEP]" (see
/// <see cref="NliInput"/>), token + learned position + segment embeddings, LayerNorm, dropout, a
/// Transformer encoder, and BERT's pooler (tanh(W h_[CLS] + b)) followed by dropout and a linear layer to
/// the classes. Names: token_embedding, position_embedding, segment_embedding, embedding_layer_norm,
/// encoder.layers.N...., pooler, classifier. Heads are indexed layer by layer (all encoder self-attention).
/// </summary>
public sealed class NliClassifier : Module, IUnitPrunable, NativeDsp.Model.Training.IDropoutRandom
{
    readonly Dropout embeddingDropout, poolerDropout;

    /// <summary>A classifier of <paramref name="config"/>'s shape, initialised from its seed (weights from Fork(0), dropout from Fork(1)); the padding row of the token embedding is 0.</summary>
    /// <exception cref="ArgumentException">The config is invalid (<see cref="NliClassifierConfig.Validate"/>).</exception>
    public NliClassifier(Device device, NliClassifierConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        var root = new Rng(config.Seed);
        DropoutRng = root.Fork(1);
        var o = config.LayerOptions;
        TokenEmbedding = RegisterModule("token_embedding", new Embedding(device, config.Vocab, config.DModel));
        PositionEmbedding = RegisterModule("position_embedding", new LearnedPositionalEmbedding(device, config.MaxPositions, config.DModel));
        SegmentEmbedding = RegisterModule("segment_embedding", new Embedding(device, config.Segments, config.DModel));
        EmbeddingNorm = RegisterModule("embedding_layer_norm", new LayerNorm(device, config.DModel, config.LayerNormEps));
        embeddingDropout = RegisterModule("embedding_dropout", new Dropout(config.Dropout, DropoutRng));
        Encoder = RegisterModule("encoder", new TransformerEncoder(device, o, config.Layers, DropoutRng));
        Pooler = RegisterModule("pooler", new Linear(device, config.DModel, config.DModel));
        poolerDropout = RegisterModule("pooler_dropout", new Dropout(config.Dropout, DropoutRng));
        Classifier = RegisterModule("classifier", new Linear(device, config.DModel, config.Classes));

        ModelInit.Apply(this, config.Init, root.Fork(0));
        ModelInit.ZeroRow(TokenEmbedding.Weight, config.PadId);
        HeadIndex = HeadIndex.Build(AttentionModules());
    }

    /// <summary>The architecture.</summary>
    public NliClassifierConfig Config { get; }
    /// <summary>The device holding the weights.</summary>
    public Device Device { get; }

    /// <summary>The stream every dropout mask of this model is drawn from; checkpoints save its state.</summary>
    public Rng DropoutRng { get; }

    /// <summary>Token embeddings [Vocab, d].</summary>
    public Embedding TokenEmbedding { get; }
    /// <summary>Learned positions [MaxPositions, d].</summary>
    public LearnedPositionalEmbedding PositionEmbedding { get; }
    /// <summary>Segment (token type) embeddings [Segments, d].</summary>
    public Embedding SegmentEmbedding { get; }
    /// <summary>The LayerNorm after the embedding sum.</summary>
    public LayerNorm EmbeddingNorm { get; }
    /// <summary>The encoder layers.</summary>
    public TransformerEncoder Encoder { get; }
    /// <summary>BERT's pooler: tanh(W h_[CLS] + b), [d, d].</summary>
    public Linear Pooler { get; }
    /// <summary>The classification head [Classes, d].</summary>
    public Linear Classifier { get; }

    /// <summary>The global index of the current heads (encoder self-attention only).</summary>
    public HeadIndex HeadIndex { get; private set; }

    /// <summary>The encoder's self-attention modules ("encoder.layers.N.self_attn").</summary>
    public IEnumerable<(string Name, AttentionKind Kind, int Layer, MultiHeadAttention Module)> AttentionModules() =>
        Enumerable.Range(0, Encoder.Layers.Count)
            .Select(i => ($"encoder.layers.{i}.self_attn", AttentionKind.EncoderSelf, i, Encoder.Layers[i].SelfAttention));

    /// <summary>Physically removes every head whose global id is not in <paramref name="keep"/> and rebuilds <see cref="HeadIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, HeadIndex.Count).</exception>
    public void PruneHeads(IEnumerable<int> keep) => HeadIndex = HeadPruning.Apply(this, keep);

    /// <summary>The encoder's FFNs ("encoder.layers.N.ffn").</summary>
    public IEnumerable<(string Name, int Layer, FeedForward Module)> FeedForwardModules() =>
        Enumerable.Range(0, Encoder.Layers.Count).Select(i => ($"encoder.layers.{i}.ffn", i, Encoder.Layers[i].FeedForward));

    /// <summary>Physically removes every unit of <paramref name="index"/> not in <paramref name="keep"/> (see <see cref="UnitPruning.Apply"/>).</summary>
    /// <exception cref="ArgumentException">The index was built over another model or before the heads changed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, index.Count).</exception>
    public void PruneUnits(UnitIndex index, IEnumerable<int> keep) => UnitPruning.Apply(this, index, keep);

    /// <summary>
    /// Class logits [B, Classes] for token ids [B, T] with segment ids [B, T] (null = all 0) and key mask
    /// [B, T] (1 = token, 0 = padding; null = no padding). <paramref name="headGate"/> [HeadIndex.Count]
    /// multiplies each head's attention (null = all heads fully on).
    /// </summary>
    public Tensor Forward(IntTensor ids, IntTensor? segments, Tensor? keyMask, Tensor? headGate = null) =>
        Forward(ids, segments, keyMask, UnitGates.FromHeads(headGate));

    /// <summary>
    /// Class logits [B, Classes] as <see cref="Forward(IntTensor, IntTensor?, Tensor?, Tensor?)"/>, under unit gates
    /// (heads, FFN neurons, attention and FFN blocks; see <see cref="UnitGates"/>), e.g. a unit pruner's mask
    /// split by <see cref="UnitGates.Split"/>.
    /// </summary>
    public Tensor Forward(IntTensor ids, IntTensor? segments, Tensor? keyMask, UnitGates gates)
    {
        var x = Encode(ids, segments, keyMask, gates);
        int b = ids.Shape[0];
        var cls = Ops.Reshape(Ops.Slice(x, 1, 0, 1), b, Config.DModel);
        var pooled = Ops.Tanh(Pooler.Forward(cls));
        return Classifier.Forward(poolerDropout.Forward(pooled));
    }

    /// <summary>
    /// The encoder's final hidden states [B, T, d] (after the final LayerNorm of a pre-LN encoder) for token ids
    /// [B, T], segment ids [B, T] (null = all 0) and key mask [B, T] under unit gates: what the classifier's
    /// pooler reads at [CLS], and the text representation a representation-preserving pruner (SMP) compares.
    /// </summary>
    /// <exception cref="ArgumentException">ids are not [B, T], or a gate does not fit the model.</exception>
    /// <exception cref="ShapeException">The segment ids' shape differs from the token ids'.</exception>
    public Tensor Encode(IntTensor ids, IntTensor? segments, Tensor? keyMask, UnitGates gates)
    {
        if (ids.Shape.Rank != 2) throw new ArgumentException($"NLI classifier: ids must be [B, T], got {ids.Shape}");
        if (segments is not null && segments.Shape != ids.Shape) throw new ShapeException("NLI classifier segments", ids.Shape, segments.Shape, "segment ids must match the token ids");
        HeadIndex.CheckGate(gates.Heads, "NLI classifier");
        int t = ids.Shape[1];
        var x = Ops.Add(TokenEmbedding.Forward(ids), PositionEmbedding.Forward(0, t));
        if (segments is not null) x = Ops.Add(x, SegmentEmbedding.Forward(segments));
        x = embeddingDropout.Forward(EmbeddingNorm.Forward(x));
        return Encoder.Forward(x, keyMask, gates);
    }

    /// <summary>
    /// <see cref="Encode(IntTensor, IntTensor?, Tensor?, UnitGates)"/> from host arrays (row-major [batch, length]):
    /// the hidden states [B, T, d] and the key mask [B, T] made from the padding id (null when nothing is padded).
    /// The device copies belong to the tape.
    /// </summary>
    public (Tensor Hidden, Tensor? KeyMask) Encode(int[] ids, int[]? segments, int batch, int length, UnitGates gates)
    {
        var tape = Device.Tape;
        var idT = tape.Own(IntTensor.FromArray(Device, ids, batch, length));
        var segT = segments is null ? null : tape.Own(IntTensor.FromArray(Device, segments, batch, length));
        var keyMask = KeyMask.FromIds(Device, ids, batch, length, Config.PadId);
        return (Encode(idT, segT, keyMask, gates), keyMask);
    }

    /// <summary>
    /// The same from host arrays (row-major [batch, length]); the key mask comes from the padding id.
    /// The device copies belong to the tape (freed with the step's scope).
    /// </summary>
    public Tensor Forward(int[] ids, int[]? segments, int batch, int length, Tensor? headGate = null) =>
        Forward(ids, segments, batch, length, UnitGates.FromHeads(headGate));

    /// <summary>The same from host arrays, under unit gates.</summary>
    public Tensor Forward(int[] ids, int[]? segments, int batch, int length, UnitGates gates)
    {
        var tape = Device.Tape;
        var idT = tape.Own(IntTensor.FromArray(Device, ids, batch, length));
        var segT = segments is null ? null : tape.Own(IntTensor.FromArray(Device, segments, batch, length));
        return Forward(idT, segT, KeyMask.FromIds(Device, ids, batch, length, Config.PadId), gates);
    }
}
