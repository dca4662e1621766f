using NativeDsp.Engine;
using NativeDsp.Model.Layers;
using NativeDsp.Model.Pruning;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// The encoder-decoder Transformer for translation (Vaswani et al.; fairseq's layout and names):
/// encoder_embed_tokens, encoder_embed_positions, encoder.layers.N..., decoder_embed_tokens (the same
/// module as the encoder's with <see cref="Seq2SeqConfig.SharedEmbeddings"/>), decoder_embed_positions,
/// decoder.layers.N..., and output_projection only when the output is not tied to the target embedding.
/// Heads are indexed encoder self, decoder self, then cross attention (<see cref="HeadIndex"/>).
/// Decoding: <see cref="SequenceGenerator"/> (greedy and beam search over a key/value cache).
/// </summary>
public sealed class Seq2Seq : Module, IHeadPrunable
{
    readonly Dropout encoderDropout, decoderDropout;
    readonly float embedScale;

    /// <summary>A model of <paramref name="config"/>'s shape initialised from its seed (weights from Fork(0), dropout from Fork(1)); padding rows are 0.</summary>
    /// <exception cref="ArgumentException">The config is invalid (<see cref="Seq2SeqConfig.Validate"/>).</exception>
    public Seq2Seq(Device device, Seq2SeqConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        var root = new Rng(config.Seed);
        DropoutRng = root.Fork(1);
        var o = config.LayerOptions;
        int d = config.DModel;
        embedScale = config.ScaleEmbedding ? MathF.Sqrt(d) : 1f;

        SourceEmbedding = RegisterModule("encoder_embed_tokens", new Embedding(device, config.SourceVocab, d));
        SourcePositions = RegisterModule("encoder_embed_positions", Positions(device, config));
        encoderDropout = RegisterModule("encoder_dropout", new Dropout(config.Dropout, DropoutRng));
        Encoder = RegisterModule("encoder", new TransformerEncoder(device, o, config.EncoderLayers, DropoutRng));
        TargetEmbedding = config.SharedEmbeddings ? SourceEmbedding
            : RegisterModule("decoder_embed_tokens", new Embedding(device, config.TargetVocab, d));
        TargetPositions = RegisterModule("decoder_embed_positions", Positions(device, config));
        decoderDropout = RegisterModule("decoder_dropout", new Dropout(config.Dropout, DropoutRng));
        Decoder = RegisterModule("decoder", new TransformerDecoder(device, o, config.DecoderLayers, DropoutRng));
        if (!config.TiedOutput) OutputProjection = RegisterModule("output_projection", new Linear(device, d, config.TargetVocab, bias: false));

        var initRng = root.Fork(0);
        ModelInit.Apply(this, config.Init, initRng);
        if (OutputProjection is not null && config.Init == InitScheme.Fairseq)
            Init.Normal(OutputProjection.Weight, initRng, ModelInit.TableStd(config.Init, d)); // fairseq: N(0, d^-0.5), not Xavier
        ModelInit.ZeroRow(SourceEmbedding.Weight, config.PadId);
        ModelInit.ZeroRow(TargetEmbedding.Weight, config.PadId);
        HeadIndex = HeadIndex.Build(AttentionModules());
    }

    static Module Positions(Device device, Seq2SeqConfig c) => c.LearnedPositions
        ? new LearnedPositionalEmbedding(device, c.MaxPositions, c.DModel)
        : new SinusoidalPositionalEmbedding(device, c.MaxPositions, c.DModel);

    /// <summary>The architecture.</summary>
    public Seq2SeqConfig Config { get; }
    /// <summary>The device holding the weights.</summary>
    public Device Device { get; }
    /// <summary>The stream every dropout of the model draws from (register it with the trainer for exact resumes).</summary>
    public Rng DropoutRng { get; }
    /// <summary>Source token embeddings [SourceVocab, d].</summary>
    public Embedding SourceEmbedding { get; }
    /// <summary>Target token embeddings [TargetVocab, d] (the source table when shared).</summary>
    public Embedding TargetEmbedding { get; }
    /// <summary>The source positions (sinusoidal or learned).</summary>
    public Module SourcePositions { get; }
    /// <summary>The target positions (sinusoidal or learned).</summary>
    public Module TargetPositions { get; }
    /// <summary>The encoder layers.</summary>
    public TransformerEncoder Encoder { get; }
    /// <summary>The decoder layers.</summary>
    public TransformerDecoder Decoder { get; }
    /// <summary>The output projection [TargetVocab, d], or null when tied to the target embedding.</summary>
    public Linear? OutputProjection { get; }
    /// <summary>The global index of the current heads: encoder self, decoder self, then cross attention.</summary>
    public HeadIndex HeadIndex { get; private set; }

    /// <summary>Every attention module with its name, kind and layer.</summary>
    public IEnumerable<(string Name, AttentionKind Kind, int Layer, MultiHeadAttention Module)> AttentionModules()
    {
        for (int i = 0; i < Encoder.Layers.Count; i++)
            yield return ($"encoder.layers.{i}.self_attn", AttentionKind.EncoderSelf, i, Encoder.Layers[i].SelfAttention);
        for (int i = 0; i < Decoder.Layers.Count; i++)
            yield return ($"decoder.layers.{i}.self_attn", AttentionKind.DecoderSelf, i, Decoder.Layers[i].SelfAttention);
        for (int i = 0; i < Decoder.Layers.Count; i++)
            yield return ($"decoder.layers.{i}.encoder_attn", AttentionKind.DecoderCross, i, Decoder.Layers[i].CrossAttention);
    }

    /// <summary>Physically removes every head whose global id is not in <paramref name="keep"/> and rebuilds <see cref="HeadIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, HeadIndex.Count).</exception>
    public void PruneHeads(IEnumerable<int> keep) => HeadIndex = HeadPruning.Apply(this, keep);

    /// <summary>Encoder output [B, S, d] for source ids [B, S] with key mask [B, S] (null = no padding).</summary>
    public Tensor Encode(IntTensor source, Tensor? sourceMask, Tensor? headGate = null)
    {
        if (source.Shape.Rank != 2) throw new ArgumentException($"seq2seq: source ids must be [B, S], got {source.Shape}");
        HeadIndex.CheckGate(headGate, "seq2seq");
        var x = Embed(SourceEmbedding, (IPositionalEmbedding)SourcePositions, source, 0);
        return Encoder.Forward(encoderDropout.Forward(x), sourceMask, headGate);
    }

    /// <summary>
    /// Next-token logits [B, T, TargetVocab] for decoder inputs [B, T] (BOS then the target shifted right)
    /// given the encoder output. With <paramref name="state"/>, the inputs are the next T positions after
    /// state.Length and the caches grow by T (memory and mask then come from the state).
    /// </summary>
    public Tensor Decode(IntTensor targetIn, Tensor? memory, Tensor? memoryMask, Tensor? headGate = null, IncrementalState? state = null)
    {
        if (targetIn.Shape.Rank != 2) throw new ArgumentException($"seq2seq: decoder inputs must be [B, T], got {targetIn.Shape}");
        HeadIndex.CheckGate(headGate, "seq2seq");
        int start = state?.Length ?? 0;
        if (state is not null)
        {
            memory = state.Memory;
            memoryMask = state.MemoryMask;
        }
        var x = Embed(TargetEmbedding, (IPositionalEmbedding)TargetPositions, targetIn, start);
        x = Decoder.Forward(decoderDropout.Forward(x), memory, memoryMask, headGate, state?.Layers);
        if (state is not null) state.Length += targetIn.Shape[1];
        return OutputProjection is null ? Ops.Linear(x, TargetEmbedding.Weight) : OutputProjection.Forward(x);
    }

    /// <summary>Teacher-forced logits [B, T, V]: <see cref="Encode"/> then <see cref="Decode"/>.</summary>
    public Tensor Forward(IntTensor source, Tensor? sourceMask, IntTensor targetIn, Tensor? headGate = null) =>
        Decode(targetIn, Encode(source, sourceMask, headGate), sourceMask, headGate);

    /// <summary>Starts incremental decoding: encodes the source (no gradient) and sets up empty caches.</summary>
    public IncrementalState StartDecoding(IntTensor source, Tensor? sourceMask, Tensor? headGate = null)
    {
        using var noGrad = NoGrad.Scope();
        using var scope = Device.Scope();
        // The state keeps its own copy of the mask: the caller's stays the caller's.
        var mask = sourceMask is null ? null : Ops.Affine(sourceMask, 1f, 0f);
        return new IncrementalState(Encode(source, sourceMask, headGate), mask, Decoder.Layers.Count);
    }

    Tensor Embed(Embedding tokens, IPositionalEmbedding positions, IntTensor ids, int start)
    {
        var x = tokens.Forward(ids);
        if (embedScale != 1f) x = Ops.Scale(x, embedScale);
        return Ops.Add(x, positions.Forward(start, ids.Shape[1]));
    }

    // ---------------------------------------------------------------- host-array conveniences

    /// <summary>Source ids and their key mask as tape-owned tensors from a row-major [batch, length] array.</summary>
    public (IntTensor Ids, Tensor? Mask) SourceTensors(int[] ids, int batch, int length) =>
        (Device.Tape.Own(IntTensor.FromArray(Device, ids, batch, length)), KeyMask.FromIds(Device, ids, batch, length, Config.PadId));

    /// <summary>Decoder ids as a tape-owned tensor.</summary>
    public IntTensor TargetTensor(int[] ids, int batch, int length) => Device.Tape.Own(IntTensor.FromArray(Device, ids, batch, length));
}
