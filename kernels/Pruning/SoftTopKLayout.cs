namespace NativeDsp.Kernels.Pruning;

/// <summary>
/// Constants and the layout of the <c>saved</c> buffer of the Gumbel-soft-top-K kernels
/// (<see cref="IKernels.SoftTopKForward"/>, <see cref="IKernels.SoftTopKBackward"/>), shared by every backend
/// so that a forward on one and a backward on another agree on where things are.
/// </summary>
/// <remarks>
/// Layout of <c>saved</c> (doubles), for H heads and K iterations:
/// <list type="bullet">
/// <item>[j*H, (j+1)*H), j in [0, K): p_j, the probabilities of iteration j (0-based).</item>
/// <item>K*H + 2j: the index m_j of the largest score of iteration j (lowest index among ties), as a double;
///   stored as -(m_j + 1) when row j holds ratios instead of probabilities (see <see cref="RatioBand"/>).</item>
/// <item>K*H + 2j + 1: q_j = 1 - p_j[m_j], computed without cancellation (see the kernels).</item>
/// <item>K*(H+2) .. + 3H: workspace. The forward pass uses it for temporaries and the backward pass for
///   dL/dr, dL/dmask in double and the odds p/(1-p), so that neither allocates.</item>
/// </list>
/// That is O(H) per iteration: K*H + 2K + 3H doubles in all.
/// </remarks>
public static class SoftTopKLayout
{
    /// <summary>The clamp of the relaxation, max(1 - p, Eps): torch.finfo(float64).tiny, as in the reference code.</summary>
    public const double Eps = 2.2250738585072014e-308;

    /// <summary>
    /// log(<see cref="Eps"/>): the most a single iteration lowers a score (in units of r). A literal so that
    /// GPU kernels can use it as a constant; a test checks it against Math.Log(Eps).
    /// </summary>
    public const double LogEps = -708.3964185322641;

    /// <summary>
    /// Bound on |dL/dr| inside the backward pass. The exact derivative grows like tau^-K at exact ties of
    /// w + g (each iteration multiplies by ~1/tau there), which no float can carry when tau = 1e-8; the
    /// kernels saturate at this value instead of overflowing to Inf and then NaN (Inf - Inf). It is far
    /// above any gradient met away from exact ties and leaves float32 headroom (max ~3.4e38) for the
    /// accumulation into dlogits.
    /// </summary>
    public const double GradientLimit = 1e30;

    /// <summary>
    /// exp(d) for a score d below this distance from the maximum (e^-700 ~ 1e-304) is taken as 0. Vectorised
    /// exp falls to a slow scalar path near the subnormal range, and the flushed terms change no mask or
    /// gradient value: they are below 1e-304 next to a normaliser Z >= 1, and below 1e-24 relative to
    /// 1 - p_max whenever 1 - p_max >= <see cref="RatioBand"/>.
    /// </summary>
    public const double FlushBelow = -700.0;

    /// <summary>
    /// When 1 - p_max of a non-final iteration falls below this but stays above <see cref="Eps"/> (the clamp
    /// is open), the flushed terms would matter: log(1 - p_max) is then recomputed exactly by a
    /// log-sum-exp, and the row saves p_i / (1 - p_max) for i != m (the only use the backward pass has for
    /// those p_i, which are below 1e-280 themselves) with p_m = 1.
    /// </summary>
    public const double RatioBand = 1e-280;

    /// <summary>The saved argmax m of an iteration as a double; negative (-(m + 1)) when its row holds ratios (see <see cref="RatioBand"/>).</summary>
    public static double EncodeArgmax(int m, bool rowHoldsRatios) => rowHoldsRatios ? -(m + 1.0) : m;

    /// <summary>The head index m back from <see cref="EncodeArgmax"/>.</summary>
    public static int DecodeArgmax(double saved) => saved < 0 ? (int)(-saved) - 1 : (int)saved;

    /// <summary>Whether the iteration's row saved p_i / (1 - p_max) instead of p_i (see <see cref="RatioBand"/>).</summary>
    public static bool RowHoldsRatios(double savedArgmax) => savedArgmax < 0;

    /// <summary>Doubles the saved buffer needs: K rows of H probabilities, 2 per iteration (argmax, 1 - p_max), 3 H of workspace.</summary>
    public static long SavedLength(int heads, int k) => (long)k * heads + 2L * k + 3L * heads;

    /// <summary>Start of iteration j's H probabilities (0-based j).</summary>
    public static int ProbabilitiesOffset(int heads, int j) => j * heads;

    /// <summary>Where iteration j's encoded argmax is saved.</summary>
    public static int ArgmaxOffset(int heads, int k, int j) => k * heads + 2 * j;

    /// <summary>Where iteration j's 1 - p_max (exact, not cancelled) is saved.</summary>
    public static int OneMinusPmaxOffset(int heads, int k, int j) => k * heads + 2 * j + 1;

    /// <summary>Start of the 3 H doubles of workspace (overwritten by the backward pass).</summary>
    public static int WorkspaceOffset(int heads, int k) => k * heads + 2 * k;
}
