using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NativeDsp.Bench.Peers;

/// <summary>
/// The models of issue 15's workloads written directly on libtorch (TorchSharp), with the same shapes and the
/// same math as NativeDsp's (BERT post-LN encoder with GELU and a tanh pooler for the classifier; fairseq
/// post-LN encoder-decoder with ReLU, scaled embeddings, sinusoidal positions and a tied output projection),
/// using libtorch's fused scaled_dot_product_attention. Weights are random: speed does not depend on them.
/// </summary>
public sealed class TorchParams
{
    readonly List<Parameter> all = [];
    readonly Generator generator = new Generator(1);

    /// <summary>Every parameter created so far.</summary>
    public IReadOnlyList<Parameter> All => all;

    /// <summary>A parameter of the given shape, N(0, std) (or filled with <paramref name="fill"/>).</summary>
    public Parameter New(float std, params long[] shape) => Add(randn(shape, generator: generator) * std);

    /// <summary>A parameter filled with a constant.</summary>
    public Parameter Fill(float value, params long[] shape) => Add(full(shape, value));

    Parameter Add(Tensor t)
    {
        var p = new Parameter(t.detach(), requires_grad: true);
        all.Add(p);
        return p;
    }
}

/// <summary>Linear layer weights [out, in] and bias [out].</summary>
public sealed record TorchLinear(Parameter W, Parameter B)
{
    public static TorchLinear Create(TorchParams ps, long inF, long outF) => new(ps.New(0.02f, outF, inF), ps.Fill(0f, outF));
    public Tensor Forward(Tensor x) => F.linear(x, W, B);
}

/// <summary>Layer norm over the last dimension.</summary>
public sealed record TorchLayerNorm(Parameter G, Parameter B, double Eps)
{
    public static TorchLayerNorm Create(TorchParams ps, long d, double eps) => new(ps.Fill(1f, d), ps.Fill(0f, d), eps);
    public Tensor Forward(Tensor x) => F.layer_norm(x, [G.shape[0]], G, B, Eps);
}

/// <summary>Multi-head attention with an optional per-head gate on the heads' outputs (as DSP's mask does).</summary>
public sealed class TorchAttention(TorchParams ps, long d, long heads)
{
    readonly TorchLinear q = TorchLinear.Create(ps, d, d), k = TorchLinear.Create(ps, d, d), v = TorchLinear.Create(ps, d, d), o = TorchLinear.Create(ps, d, d);

    Tensor Split(Tensor x) => x.view(x.shape[0], x.shape[1], heads, d / heads).transpose(1, 2);

    /// <summary>[B, T, d] -> [B, T, d]; gate [heads] or null; causal for decoder self-attention.</summary>
    public Tensor Forward(Tensor x, Tensor memory, Tensor? gate, bool causal, double dropout, bool training)
    {
        var ctx = F.scaled_dot_product_attention(Split(q.Forward(x)), Split(k.Forward(memory)), Split(v.Forward(memory)),
                                                 p: training ? dropout : 0.0, is_casual: causal);
        if (gate is not null) ctx = ctx * gate.view(1, heads, 1, 1);
        return o.Forward(ctx.transpose(1, 2).reshape(x.shape[0], x.shape[1], d));
    }
}

/// <summary>A BERT-style classifier (post-LN, GELU, pooler) of the given size.</summary>
public sealed class TorchClassifier
{
    readonly long d, heads;
    readonly double dropout;
    readonly Parameter tokens, positions, segments;
    readonly TorchLayerNorm embNorm;
    readonly List<(TorchAttention Att, TorchLayerNorm N1, TorchLinear Up, TorchLinear Down, TorchLayerNorm N2)> layers = [];
    readonly TorchLinear pooler, head;

    public TorchParams Params { get; } = new();

    public TorchClassifier(int layerCount, long d, long heads, long ffn, long vocab, double dropout)
    {
        this.d = d; this.heads = heads; this.dropout = dropout;
        tokens = Params.New(0.02f, vocab, d);
        positions = Params.New(0.02f, 512, d);
        segments = Params.New(0.02f, 2, d);
        embNorm = TorchLayerNorm.Create(Params, d, 1e-12);
        for (int l = 0; l < layerCount; l++)
            layers.Add((new TorchAttention(Params, d, heads), TorchLayerNorm.Create(Params, d, 1e-12), TorchLinear.Create(Params, d, ffn),
                        TorchLinear.Create(Params, ffn, d), TorchLayerNorm.Create(Params, d, 1e-12)));
        pooler = TorchLinear.Create(Params, d, d);
        head = TorchLinear.Create(Params, d, 3);
    }

    public long Heads => heads * layers.Count;

    /// <summary>Logits [B, 3] for ids and segments [B, T]; gate [layers x heads] or null.</summary>
    public Tensor Forward(Tensor ids, Tensor segs, Tensor? gate, bool training)
    {
        long b = ids.shape[0], t = ids.shape[1];
        var x = tokens.index_select(0, ids.flatten()).view(b, t, d) + positions.narrow(0, 0, t) + segments.index_select(0, segs.flatten()).view(b, t, d);
        x = F.dropout(embNorm.Forward(x), dropout, training);
        for (int l = 0; l < layers.Count; l++)
        {
            var (att, n1, up, down, n2) = layers[l];
            var g = gate?.narrow(0, l * heads, heads);
            x = n1.Forward(x + F.dropout(att.Forward(x, x, g, false, 0, training), dropout, training));
            x = n2.Forward(x + F.dropout(down.Forward(F.gelu(up.Forward(x))), dropout, training));
        }
        var pooled = tanh(pooler.Forward(x.select(1, 0)));
        return head.Forward(F.dropout(pooled, dropout, training));
    }
}

/// <summary>A fairseq-style encoder-decoder (post-LN, ReLU, scaled embeddings, sinusoidal positions, tied output).</summary>
public sealed class TorchSeq2Seq
{
    readonly long d, heads;
    readonly double dropout;
    readonly Parameter source, target;
    readonly Tensor sinusoid;
    readonly List<(TorchAttention Att, TorchLayerNorm N1, TorchLinear Up, TorchLinear Down, TorchLayerNorm N2)> encoder = [];
    readonly List<(TorchAttention Self, TorchLayerNorm N1, TorchAttention Cross, TorchLayerNorm N2, TorchLinear Up, TorchLinear Down, TorchLayerNorm N3)> decoder = [];

    public TorchParams Params { get; } = new();

    public TorchSeq2Seq(int layers, long d, long heads, long ffn, long vocab, double dropout)
    {
        this.d = d; this.heads = heads; this.dropout = dropout;
        source = Params.New((float)Math.Pow(d, -0.5), vocab, d);
        target = Params.New((float)Math.Pow(d, -0.5), vocab, d);
        var pos = arange(1024, dtype: float32).unsqueeze(1);
        var freq = exp(arange(d / 2, dtype: float32) * (-Math.Log(10000.0) / (d / 2 - 1))).unsqueeze(0);
        sinusoid = cat([sin(pos * freq), cos(pos * freq)], 1);
        for (int l = 0; l < layers; l++)
        {
            encoder.Add((new TorchAttention(Params, d, heads), TorchLayerNorm.Create(Params, d, 1e-5), TorchLinear.Create(Params, d, ffn),
                         TorchLinear.Create(Params, ffn, d), TorchLayerNorm.Create(Params, d, 1e-5)));
            decoder.Add((new TorchAttention(Params, d, heads), TorchLayerNorm.Create(Params, d, 1e-5), new TorchAttention(Params, d, heads),
                         TorchLayerNorm.Create(Params, d, 1e-5), TorchLinear.Create(Params, d, ffn), TorchLinear.Create(Params, ffn, d), TorchLayerNorm.Create(Params, d, 1e-5)));
        }
    }

    Tensor Embed(Parameter table, Tensor ids)
    {
        long b = ids.shape[0], t = ids.shape[1];
        return F.dropout(table.index_select(0, ids.flatten()).view(b, t, d) * Math.Sqrt(d) + sinusoid.narrow(0, 0, t), dropout, true);
    }

    /// <summary>Teacher-forced logits [B, T, V].</summary>
    public Tensor Forward(Tensor src, Tensor tgtIn)
    {
        var x = Embed(source, src);
        foreach (var (att, n1, up, down, n2) in encoder)
        {
            x = n1.Forward(x + F.dropout(att.Forward(x, x, null, false, 0, true), dropout, true));
            x = n2.Forward(x + F.dropout(down.Forward(F.relu(up.Forward(x))), dropout, true));
        }
        var y = Embed(target, tgtIn);
        foreach (var (self, n1, cross, n2, up, down, n3) in decoder)
        {
            y = n1.Forward(y + F.dropout(self.Forward(y, y, null, true, 0, true), dropout, true));
            y = n2.Forward(y + F.dropout(cross.Forward(y, x, null, false, 0, true), dropout, true));
            y = n3.Forward(y + F.dropout(down.Forward(F.relu(up.Forward(y))), dropout, true));
        }
        return F.linear(y, target);
    }
}
