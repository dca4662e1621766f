using NativeDsp.Kernels;

namespace NativeDsp.Model.Transformer;

/// <summary>
/// What every encoder/decoder layer of one model shares. <see cref="PreNorm"/> false is post-LN (BERT,
/// the original Transformer and fairseq's default): x = LN(x + f(x)); true is pre-LN: x = x + f(LN(x)),
/// with one more LayerNorm after the last layer.
/// </summary>
public sealed record LayerOptions(int Dim, int Heads, int Ffn, float Dropout, float ActivationDropout,
                                  Activation Activation, bool PreNorm, float LayerNormEps)
{
    /// <summary>Checks the shapes and rates; <paramref name="model"/> names the model in messages.</summary>
    /// <exception cref="ArgumentException">Dim not a positive multiple of Heads, Ffn below 1, a dropout rate outside [0, 1), or eps not positive.</exception>
    public void Validate(string model)
    {
        if (Dim < 1 || Heads < 1 || Dim % Heads != 0)
            throw new ArgumentException($"{model}: the model dim ({Dim}) must be a positive multiple of the head count ({Heads})");
        if (Ffn < 1) throw new ArgumentException($"{model}: the FFN size must be >= 1, got {Ffn}");
        if (Dropout is < 0f or >= 1f || ActivationDropout is < 0f or >= 1f)
            throw new ArgumentException($"{model}: dropout rates must be in [0, 1), got {Dropout} and {ActivationDropout}");
        if (!(LayerNormEps > 0f)) throw new ArgumentException($"{model}: the layer norm eps must be > 0, got {LayerNormEps}");
    }
}
