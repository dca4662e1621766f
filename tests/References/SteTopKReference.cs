namespace NativeDsp.Tests.References;

/// <summary>Straight-through top-K: a stable sort by descending logit (so equal logits keep index order).</summary>
public static class SteTopKReference
{
    public static float[] Forward(float[] logits, int k)
    {
        var mask = new float[logits.Length];
        // OrderByDescending is a stable sort: ties stay in ascending index order.
        foreach (int i in Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(k)) mask[i] = 1f;
        return mask;
    }
}
