namespace NativeDsp.Kernels.Pruning;

/// <summary>
/// Constants and the layout of the <c>saved</c> buffer of the Gumbel-soft-top-K kernels
/// (<see cref="IKernels.SoftTopKForward"/>, <see cref="IKernels.SoftTopKBackward"/>), shared by every backend
/// so that a forward on one and a backward on another agree on where things are.
/// </summary>
/// <remarks>
/// The K rows of H probabilities are not all kept: for large K H (thousands of units, K in the thousands) that
/// would be O(K H) doubles (340 MB at H = 9,216, K = 4,608). Instead the scores x entering every C-th iteration
/// are checkpointed, and the backward pass recomputes each block of C iterations from its checkpoint with the
/// same code (so bit-identical probabilities) before walking it in reverse. C = K (no recomputation) when the
/// K rows fit <see cref="FullRowsLimit"/>, else C = ceil(sqrt K): O(H sqrt K) doubles.
/// Layout of <c>saved</c> (doubles), for H units, K iterations, C = <see cref="CheckpointInterval"/> and
/// N = <see cref="Checkpoints"/> = ceil(K / C):
/// <list type="bullet">
/// <item>[b*H, (b+1)*H), b in [0, N): checkpoint b, the scaled scores x entering iteration b*C.</item>
/// <item>[(N+r)*H, (N+r+1)*H), r in [0, C): block row r, used by iteration j with j mod C = r. It receives
///   x_j, then holds p_j, the probabilities of iteration j (0-based); after the forward pass the rows hold the
///   last block's p, after a backward pass some block's. Iteration j's next scores x_{j+1} go to block row r + 1,
///   or to checkpoint j / C + 1 when r = C - 1 (<see cref="NextRowOffset"/>).</item>
/// <item>(N+C)*H + 2j: the index m_j of the largest score of iteration j (lowest index among ties), as a double;
///   stored as -(m_j + 1) when row j holds ratios instead of probabilities (see <see cref="RatioBand"/>).</item>
/// <item>(N+C)*H + 2j + 1: q_j = 1 - p_j[m_j], computed without cancellation (see the kernels).</item>
/// <item>(N+C)*H + 2K .. + 3H: workspace. The forward pass sums the mask there and the backward pass keeps
///   dL/dr, dL/dmask in double and the odds p/(1-p) there, so that neither allocates.</item>
/// </list>
/// The backward pass overwrites the block rows and the workspace (with recomputed, identical values where they
/// are read again), so it may be called again.
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
    /// above any gradient met away from exact ties, and low enough that a training step's float32 squared
    /// global gradient norm (the clipping norm) stays finite with every entry saturated for up to ~3e8 units
    /// (3e8 x 1e30 &lt; 3.4e38). It was 1e30, which overflowed that norm to Inf as soon as one entry saturated:
    /// DSP over the 9,216 FFN neurons of MiniLM hit it at tau ~ 3e-3 and the run stopped as diverged.
    /// </summary>
    public const double GradientLimit = 1e15;

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

    /// <summary>The unit index m back from <see cref="EncodeArgmax"/>.</summary>
    public static int DecodeArgmax(double saved) => saved < 0 ? (int)(-saved) - 1 : (int)saved;

    /// <summary>Whether the iteration's row saved p_i / (1 - p_max) instead of p_i (see <see cref="RatioBand"/>).</summary>
    public static bool RowHoldsRatios(double savedArgmax) => savedArgmax < 0;

    /// <summary>K H at or below this (doubles, 4 MiB) keeps every iteration's row: no recomputation in the backward pass.</summary>
    public const long FullRowsLimit = 1L << 19;

    /// <summary>C: iterations per checkpointed block, K when K H &lt;= <see cref="FullRowsLimit"/>, else ceil(sqrt K).</summary>
    public static int CheckpointInterval(int heads, int k)
    {
        if ((long)k * heads <= FullRowsLimit) return k;
        int c = (int)Math.Sqrt(k);
        while ((long)c * c < k) c++;
        return c;
    }

    /// <summary>N = ceil(K / C): checkpoints (and blocks) of the saved buffer.</summary>
    public static int Checkpoints(int heads, int k)
    {
        int c = CheckpointInterval(heads, k);
        return (k + c - 1) / c;
    }

    /// <summary>Rows of H doubles before the per-iteration pairs: N checkpoints and C block rows.</summary>
    static long Rows(int heads, int k) => Checkpoints(heads, k) + (long)CheckpointInterval(heads, k);

    /// <summary>Doubles the saved buffer needs: N + C rows of H, 2 per iteration (argmax, 1 - p_max), 3 H of workspace.</summary>
    public static long SavedLength(int heads, int k) => Rows(heads, k) * heads + 2L * k + 3L * heads;

    /// <summary>Start of checkpoint b (the scores entering iteration b C).</summary>
    public static int CheckpointOffset(int heads, int b) => b * heads;

    /// <summary>Start of the row iteration j works in (x_j on entry, p_j on exit): block row j mod C after N checkpoints.</summary>
    public static int ProbabilitiesOffset(int heads, int checkpoints, int interval, int j) => (checkpoints + j % interval) * heads;

    /// <summary>Where iteration j (not the last) writes x_{j+1}: the next block row, or the next checkpoint at a block's end.</summary>
    public static int NextRowOffset(int heads, int checkpoints, int interval, int j) =>
        j % interval == interval - 1 ? (j / interval + 1) * heads : (checkpoints + j % interval + 1) * heads;

    /// <summary>Start of the per-iteration pairs (argmax, 1 - p_max).</summary>
    static int PairsOffset(int heads, int k) => (int)(Rows(heads, k) * heads);

    /// <summary>Where iteration j's encoded argmax is saved.</summary>
    public static int ArgmaxOffset(int heads, int k, int j) => PairsOffset(heads, k) + 2 * j;

    /// <summary>Where iteration j's 1 - p_max (exact, not cancelled) is saved.</summary>
    public static int OneMinusPmaxOffset(int heads, int k, int j) => PairsOffset(heads, k) + 2 * j + 1;

    /// <summary>Start of the 3 H doubles of workspace (overwritten by the backward pass).</summary>
    public static int WorkspaceOffset(int heads, int k) => PairsOffset(heads, k) + 2 * k;
}
