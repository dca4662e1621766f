using NativeDsp.Engine;

namespace NativeDsp.Model.Pruning.Methods;

/// <summary>Which distance between the full and the pruned model's text representations SMP preserves.</summary>
public enum RepresentationObjective
{
    /// <summary>
    /// SMP's (Zhang et al. 2021; the reference's <c>PLMwithPruner</c>): the distribution of the texts' pairwise
    /// similarities in the batch. Each text is its mean-pooled final hidden state over non-padding tokens, centred
    /// over the batch; the similarity of two texts, times a scale (10, as the reference), is a logit; each text's
    /// softmax over the other texts of the batch is a distribution, and the loss is KL(full || pruned) averaged
    /// over the texts. See <see cref="RepresentationDistance.SimilarityKl"/> for where we differ from the reference.
    /// </summary>
    SimilarityKl,
    /// <summary>The mean over non-padding tokens of ||h_pruned - h_full||^2 / d (a plain feature-matching alternative).</summary>
    HiddenMse,
}

/// <summary>The representation distances of <see cref="RepresentationObjective"/>, as scalars on the tape.</summary>
public static class RepresentationDistance
{
    /// <summary>The masked-out diagonal's logit: softmax gives it exactly 0 in float32, so a text is never compared with itself.</summary>
    const float SelfLogit = -1e4f;

    /// <summary>
    /// The similarity logits [B, B] of hidden states <paramref name="hidden"/> [B, T, d] with key mask
    /// <paramref name="keyMask"/> [B, T] (1 = token; null = none padded): r_b = the mean of h_b over its tokens,
    /// centred over the batch (r_b - mean_b' r_b'), then LayerNorm over d without gain or bias, so that
    /// z_b . z_c / d is the Pearson correlation of the two centred representations (the reference's cosine
    /// similarity after centring over the batch; a LayerNorm also removes each vector's mean over its d
    /// features, which the engine's ops give without a square root op); times <paramref name="scale"/>, with
    /// the diagonal set to -1e4.
    /// </summary>
    /// <exception cref="ArgumentException">hidden is not [B, T, d] with B &gt;= 3, or the mask does not match it.</exception>
    public static Tensor SimilarityLogits(Tensor hidden, Tensor? keyMask, float scale)
    {
        var (b, t, d) = Check(hidden, keyMask, minBatch: 3);
        var device = hidden.Device;
        var m = MaskValues(keyMask, b, t);
        // A = (I - 1/B) W, W[b, b T + t] = m_bt / sum_t m_bt: pooling then centring as one constant matrix.
        var w = new double[b, b * t];
        for (int i = 0; i < b; i++)
        {
            double n = 0;
            for (int j = 0; j < t; j++) n += m[i * t + j];
            if (n == 0) throw new ArgumentException($"representation distance: text {i} of the batch has no token");
            for (int j = 0; j < t; j++) w[i, i * t + j] = m[i * t + j] / n;
        }
        var a = new float[b * b * t];
        for (int i = 0; i < b; i++)
            for (int c = 0; c < b * t; c++)
                a[i * b * t + c] = (float)(w[i, c] - w[c / t, c] / b); // column c has one entry, in row c / t
        var pool = device.Tape.Own(Tensor.FromArray(device, a, b, b * t));
        var centred = Ops.MatMul(pool, Ops.Reshape(hidden, b * t, d));
        var ones = device.Tape.Own(Tensor.Full(device, 1f, d));
        var zeros = device.Tape.Own(Tensor.Zeros(device, d));
        var z = Ops.LayerNorm(centred, ones, zeros, 1e-6f);
        var sim = Ops.Scale(Ops.MatMul(z, z, transB: true), scale / d);
        var diagonal = new float[b * b];
        for (int i = 0; i < b; i++) diagonal[i * b + i] = SelfLogit;
        return Ops.Add(sim, device.Tape.Own(Tensor.FromArray(device, diagonal, b, b)));
    }

    /// <summary>
    /// SMP's objective: (1/B) sum_b KL(softmax(S_full[b]) || softmax(S_pruned[b])) over the similarity logits of
    /// <see cref="SimilarityLogits"/>. <paramref name="fullLogProbabilities"/> is log softmax(S_full) [B, B], a
    /// constant (computed without gradient from the full model); the gradient flows into
    /// <paramref name="prunedHidden"/>. Differences from the reference, our choices: one softmax over each
    /// text's whole row of similarities (the reference splits rows into groups of 2), no dropout on the
    /// representation's features (the reference keeps a random 20% per step), mean-pooled final hidden states
    /// (the reference's mean-output variant; our encoder has no pooler before the classifier's).
    /// </summary>
    public static Tensor SimilarityKl(Tensor fullLogProbabilities, Tensor prunedHidden, Tensor? keyMask, float scale)
    {
        int b = fullLogProbabilities.Shape[0];
        var logQ = Ops.LogSoftmax(SimilarityLogits(prunedHidden, keyMask, scale));
        var logP = fullLogProbabilities;
        var p = Ops.Softmax(logP); // exp of a log-softmax: the target distribution itself
        return Ops.Scale(Ops.Sum(Ops.Mul(p, Ops.Sub(logP, logQ))), 1f / b);
    }

    /// <summary>The target log softmax(S_full) [B, B] of <see cref="SimilarityKl"/>, computed without gradient.</summary>
    public static Tensor TargetLogProbabilities(Tensor fullHidden, Tensor? keyMask, float scale)
    {
        using var noGrad = NoGrad.Scope();
        return Ops.LogSoftmax(SimilarityLogits(fullHidden, keyMask, scale));
    }

    /// <summary>The mean over non-padding tokens of ||pruned - full||^2 / d; <paramref name="fullHidden"/> is a constant.</summary>
    /// <exception cref="ArgumentException">The shapes differ or the mask does not match.</exception>
    public static Tensor HiddenMse(Tensor fullHidden, Tensor prunedHidden, Tensor? keyMask)
    {
        var (b, t, _) = Check(prunedHidden, keyMask, minBatch: 1);
        if (fullHidden.Shape != prunedHidden.Shape) throw new ArgumentException($"representation distance: full {fullHidden.Shape} and pruned {prunedHidden.Shape} hidden states differ in shape");
        var diff = Ops.Sub(prunedHidden, fullHidden);
        var perToken = Ops.MeanLast(Ops.Mul(diff, diff)); // [B, T]
        double tokens = b * t;
        if (keyMask is not null)
        {
            perToken = Ops.Mul(perToken, keyMask);
            tokens = MaskValues(keyMask, b, t).Sum();
        }
        return Ops.Scale(Ops.Sum(perToken), (float)(1.0 / Math.Max(tokens, 1)));
    }

    static (int B, int T, int D) Check(Tensor hidden, Tensor? keyMask, int minBatch)
    {
        if (hidden.Shape.Rank != 3) throw new ArgumentException($"representation distance: hidden states must be [B, T, d], got {hidden.Shape}");
        int b = hidden.Shape[0], t = hidden.Shape[1], d = hidden.Shape[2];
        if (b < minBatch) throw new ArgumentException($"representation distance: the similarity distribution needs batches of at least {minBatch} texts, got {b}");
        if (keyMask is not null && (keyMask.Shape.Rank != 2 || keyMask.Shape[0] != b || keyMask.Shape[1] != t))
            throw new ArgumentException($"representation distance: the key mask must be [{b}, {t}], got {keyMask.Shape}");
        return (b, t, d);
    }

    static float[] MaskValues(Tensor? keyMask, int b, int t) => keyMask?.ToArray() ?? Enumerable.Repeat(1f, b * t).ToArray();
}
