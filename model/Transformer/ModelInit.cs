using NativeDsp.Engine;
using NativeDsp.Model.Layers;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// Deterministic initialisation of a whole model from one <see cref="Rng"/>: modules are visited in
/// registration order (parents before children, <see cref="Module.NamedModules"/>), so the same config and
/// seed give the same weights on every backend. See <see cref="InitScheme"/> for the distributions.
/// </summary>
public static class ModelInit
{
    /// <summary>Initialises every Linear, Embedding, learned position table and LayerNorm of <paramref name="model"/> by <paramref name="scheme"/>, drawing from <paramref name="rng"/> in registration order.</summary>
    public static void Apply(Module model, InitScheme scheme, Rng rng)
    {
        var done = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (_, module) in model.NamedModules())
        {
            if (!done.Add(module)) continue;
            switch (module)
            {
                case MultiHeadAttention mha:
                    float qkvGain = scheme == InitScheme.Fairseq ? 1f / MathF.Sqrt(2f) : 1f;
                    foreach (var p in new[] { mha.QProj, mha.KProj, mha.VProj }) InitLinear(p, scheme, rng, qkvGain);
                    InitLinear(mha.OutProj, scheme, rng, 1f);
                    done.UnionWith([mha.QProj, mha.KProj, mha.VProj, mha.OutProj]);
                    break;
                case Linear linear:
                    InitLinear(linear, scheme, rng, 1f);
                    break;
                case Embedding e:
                    Init.Normal(e.Weight, rng, TableStd(scheme, e.Dim));
                    break;
                case LearnedPositionalEmbedding pos:
                    Init.Normal(pos.Weight, rng, TableStd(scheme, pos.Dim));
                    break;
                case LayerNorm ln:
                    Init.Ones(ln.Weight);
                    Init.Zeros(ln.Bias);
                    break;
            }
        }
    }

    /// <summary>The standard deviation of an embedding-like table: 0.02 (BERT) or d^-0.5 (fairseq).</summary>
    public static float TableStd(InitScheme scheme, int dim) => scheme == InitScheme.Bert ? 0.02f : 1f / MathF.Sqrt(dim);

    static void InitLinear(Linear linear, InitScheme scheme, Rng rng, float gain)
    {
        if (linear.Weight.Count > 0)
        {
            if (scheme == InitScheme.Bert) Init.Normal(linear.Weight, rng, 0.02f);
            else Init.XavierUniform(linear.Weight, rng, gain);
        }
        if (linear.Bias is not null) Init.Zeros(linear.Bias);
    }

    /// <summary>Sets row <paramref name="row"/> of a table to zero (the padding token's embedding).</summary>
    public static void ZeroRow(Tensor table, int row)
    {
        if (row < 0 || row >= table.Shape[0]) return;
        Init.ConstantRow(table, row, 0f);
    }
}
