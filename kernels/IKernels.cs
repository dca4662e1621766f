namespace NativeDsp.Kernels;

/// <summary>
/// The primitive operations of the engine over raw device buffers: no shapes, no autograd, no
/// allocation inside an op. Two implementations exist: <c>Host.HostKernels</c> (C# SIMD) and
/// <c>Ilgpu.IlgpuKernels</c> (CUDA / OpenCL / ILGPU CPU accelerator).
///
/// Conventions shared by every op:
/// <list type="bullet">
/// <item>Tensors are dense and row-major; sizes are element counts; offsets and strides are in elements.</item>
/// <item>Forward ops overwrite their outputs. Ops named <c>...Backward</c> ADD into their gradient
///   outputs (<c>dx += ...</c>), so that a tensor used twice accumulates its gradient without a temporary.
///   Ops used both ways take an explicit <c>accumulate</c> flag.</item>
/// <item>Outputs may alias inputs only where an op says so.</item>
/// <item>Ops are asynchronous on a GPU; <see cref="Synchronize"/> or a buffer read-back waits for them.</item>
/// <item>Random numbers are counter-based (<see cref="Random.Philox"/>): element i of a draw with
///   (seed, offset) is a pure function of (seed, offset + i), identical on every backend.</item>
/// <item>Preconditions (sizes, buffer lengths, aliasing, parameter ranges) are checked on the host before
///   any work, by one shared contract per op (<see cref="KernelContracts"/>, <see cref="MatMulChecks"/>,
///   <see cref="AttentionShape"/>, <see cref="Pruning.PruningChecks"/>): every backend throws the same
///   <see cref="ArgumentException"/> with the same message naming the op and the sizes. No op reads device
///   data back to check it: indices (embedding ids, cross-entropy targets) are validated by the engine on
///   the host where they are made; an out-of-range index that reaches a kernel gives NaN, never an
///   out-of-bounds access.</item>
/// </list>
/// Determinism (the same inputs give the same bits, run after run):
/// <list type="table">
/// <listheader><term>op</term><description>deterministic on</description></listheader>
/// <item><term>every op not listed below</term><description>Host and ILGPU (CPU accelerator, CUDA, OpenCL).
///   Host splits large ops over threads by <c>Environment.ProcessorCount</c>, so its sums are reproducible on
///   one machine but may differ in the last bits between machines with other core counts.</description></item>
/// <item><term><see cref="EmbeddingBackward"/></term><description>Host only; ILGPU adds repeated ids with float
///   atomics, in arrival order.</description></item>
/// <item><term><see cref="AttentionBackward"/> (dGate only)</term><description>Host only; ILGPU adds one
///   atomic per (batch, head, query row) into dGate[h]. dQ, dK, dV are deterministic on both.</description></item>
/// </list>
/// Partial: the fused kernels of DSP (attention, soft top-K, ...) are declared in other files.
/// </summary>
public partial interface IKernels : IDisposable
{
    /// <summary>Which backend this is.</summary>
    BackendKind Kind { get; }

    /// <summary>Human-readable description of the device (e.g. "host: AVX-512, 2 threads").</summary>
    string Description { get; }

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> floats (from the backend's pool when one fits).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> &lt; 0.</exception>
    DeviceBuffer<float> Allocate(int length);

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> ints (ids, targets).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> &lt; 0.</exception>
    DeviceBuffer<int> AllocateInt(int length);

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> doubles (soft top-K's saved state).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> &lt; 0.</exception>
    DeviceBuffer<double> AllocateDouble(int length);

    /// <summary>Number of buffers allocated and not yet disposed (for leak tests).</summary>
    long LiveBuffers { get; }

    /// <summary>Waits until every queued kernel has finished.</summary>
    void Synchronize();

    // ---------------------------------------------------------------- copies and fills

    /// <summary>y[i] = value for i in [offset, offset + count).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Fill"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Fill(DeviceBuffer<float> y, float value, int offset, int count);

    /// <summary>dst[dstOffset + i] (= or +=) src[srcOffset + i] for i in [0, count). src and dst must not overlap.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Copy"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Copy(DeviceBuffer<float> src, int srcOffset, DeviceBuffer<float> dst, int dstOffset, int count, bool accumulate);

    /// <summary>
    /// Copies a rows x cols block between row-strided layouts:
    /// dst[dstOffset + r*dstStride + c] (= or +=) src[srcOffset + r*srcStride + c].
    /// Slices and concatenations along the last axis (e.g. splitting a fused QKV projection) are this op.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Copy2D"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Copy2D(DeviceBuffer<float> src, int srcOffset, int srcStride,
                DeviceBuffer<float> dst, int dstOffset, int dstStride,
                int rows, int cols, bool accumulate);

    /// <summary>
    /// Swaps axes 1 and 2: x of shape [d0, d1, d2, d3] gives y of shape [d0, d2, d1, d3]
    /// (e.g. [B,T,H,D] -> [B,H,T,D]). Its own adjoint with d1 and d2 exchanged.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SwapAxes12"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SwapAxes12(DeviceBuffer<float> x, DeviceBuffer<float> y, int d0, int d1, int d2, int d3, bool accumulate);

    // ---------------------------------------------------------------- matrix multiply

    /// <summary>
    /// C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b] for b in [0, batch).
    /// op(A) is m x k, stored as [m, k], or as [k, m] when <paramref name="transA"/>;
    /// op(B) is k x n, stored as [k, n], or as [n, k] when <paramref name="transB"/>; C is [m, n].
    /// A[b] starts at element b*strideA (likewise B, C); a stride of 0 broadcasts that operand over
    /// the batch (not allowed for C). With beta = 0, C is not read (it may hold NaN).
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="MatMulChecks.Validate"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    /// <exception cref="NotSupportedException">ILGPU only: the opt-in TF32 tensor-core kernel was chosen (<c>IlgpuKernels.GemmTiling</c>) on an accelerator other than CUDA sm_80+.</exception>
    void MatMul(DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> c,
                int batch, int m, int n, int k, bool transA, bool transB,
                long strideA, long strideB, long strideC, float alpha = 1f, float beta = 0f);

    // ---------------------------------------------------------------- element-wise

    /// <summary>
    /// y[i] = a[i] op b[(i / inner) % period] for i in [0, n). With inner = 1 this broadcasts b over
    /// leading dims (a bias of length period); with inner = cols, period = rows it scales rows.
    /// b's length is period; y may alias a.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Binary"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Binary(BinaryOp op, DeviceBuffer<float> a, DeviceBuffer<float> b, DeviceBuffer<float> y,
                int n, int period, int inner);

    /// <summary>
    /// The adjoint of a broadcast: db[j] (= or +=) sum over i in [0,n) with (i / inner) % period == j of
    /// x[i] * (x2 == null ? 1 : x2[i]). Gives the gradient of a bias (x2 null) or of a broadcast factor.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.ReduceBroadcast"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void ReduceBroadcast(DeviceBuffer<float> x, DeviceBuffer<float>? x2, DeviceBuffer<float> db,
                         int n, int period, int inner, bool accumulate);

    /// <summary>y[i] = alpha * x[i] + beta for i in [0, n); y may alias x.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.ScaleShift"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void ScaleShift(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float alpha, float beta);

    /// <summary>y[i] += alpha * x[i] for i in [0, n).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Axpy"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Axpy(float alpha, DeviceBuffer<float> x, DeviceBuffer<float> y, int n);

    /// <summary>y[r] = scale * sum_c x[r*cols + c]. rows = 1 gives a total; scale = 1/cols a mean.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.ReduceRows"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void ReduceRows(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols, float scale);

    /// <summary>y[i] = f(x[i]) for i in [0, n); y may alias x.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.ActivationForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void ActivationForward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> y, int n);

    /// <summary>dx[i] += f'(x[i]) * dy[i], where x is the forward input.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.ActivationBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void ActivationBackward(Activation f, DeviceBuffer<float> x, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int n);

    /// <summary>
    /// Inverted dropout: y[i] (= or +=) keep_i ? x[i] / (1 - p) : 0 with keep_i = Philox.Uniform(seed, offset + i) >= p.
    /// The mask is a function of (seed, offset), so the backward pass is this same call on dy
    /// (with accumulate) and no mask is stored. p = 0 copies.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.Dropout"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void Dropout(DeviceBuffer<float> x, DeviceBuffer<float> y, int n, float p, ulong seed, ulong offset, bool accumulate);

    // ---------------------------------------------------------------- row-wise softmax family

    /// <summary>Row softmax over the last axis: y[r,:] = softmax(x[r,:]). y may alias x.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SoftmaxRows"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols);

    /// <summary>dx += y * (dy - sum_c dy*y), with y the softmax output.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SoftmaxRowsBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void SoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols);

    /// <summary>y[r,:] = x[r,:] - logsumexp(x[r,:]). y may alias x.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SoftmaxRows"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void LogSoftmaxForward(DeviceBuffer<float> x, DeviceBuffer<float> y, int rows, int cols);

    /// <summary>dx += dy - exp(y) * sum_c dy, with y the log-softmax output.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SoftmaxRowsBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void LogSoftmaxBackward(DeviceBuffer<float> y, DeviceBuffer<float> dy, DeviceBuffer<float> dx, int rows, int cols);

    /// <summary>
    /// Fused log-softmax + cross-entropy with label smoothing eps over C = cols classes:
    /// loss[r] = -(1 - eps) * logp[r, t_r] - (eps / C) * sum_c logp[r, c], and 0 where t_r == ignoreIndex.
    /// lse[r] = logsumexp(logits[r,:]) is saved for the backward pass. Targets must be in [0, cols)
    /// or equal ignoreIndex: the caller validates them on the host (the engine does); a row with another
    /// target gets a NaN loss on every backend (and no target term backward), never an out-of-bounds read.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.CrossEntropyForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void CrossEntropyForward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> loss,
                             DeviceBuffer<float> lse, int rows, int cols, int ignoreIndex, float smoothing);

    /// <summary>
    /// dlogits[r,c] += dloss[r] * (softmax(logits[r,:])[c] - (1 - eps) * [c == t_r] - eps / C);
    /// rows with t_r == ignoreIndex get nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.CrossEntropyBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void CrossEntropyBackward(DeviceBuffer<float> logits, DeviceBuffer<int> targets, DeviceBuffer<float> lse,
                              DeviceBuffer<float> dloss, DeviceBuffer<float> dlogits,
                              int rows, int cols, int ignoreIndex, float smoothing);

    // ---------------------------------------------------------------- layer norm

    /// <summary>
    /// y[r,:] = (x[r,:] - mean_r) * rstd_r * gamma + beta, rstd_r = 1 / sqrt(var_r + eps) (biased variance).
    /// mean and rstd (length rows) are saved for the backward pass.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.LayerNormForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void LayerNormForward(DeviceBuffer<float> x, DeviceBuffer<float> gamma, DeviceBuffer<float> beta,
                          DeviceBuffer<float> y, DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                          int rows, int cols, float eps);

    /// <summary>Adds dL/dx into dx, dL/dgamma into dgamma and dL/dbeta into dbeta.</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.LayerNormBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void LayerNormBackward(DeviceBuffer<float> dy, DeviceBuffer<float> x, DeviceBuffer<float> gamma,
                           DeviceBuffer<float> mean, DeviceBuffer<float> rstd,
                           DeviceBuffer<float> dx, DeviceBuffer<float> dgamma, DeviceBuffer<float> dbeta,
                           int rows, int cols);

    // ---------------------------------------------------------------- embeddings

    /// <summary>
    /// y[i,:] = table[ids[i],:] for i in [0, count), vocab = table.Length / dim. Ids must be in [0, vocab):
    /// the caller validates them on the host (the engine does, from IntTensor's host values); a row whose id
    /// is out of range comes out NaN on every backend, never read from outside the table.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.EmbeddingForward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void EmbeddingForward(DeviceBuffer<float> table, DeviceBuffer<int> ids, DeviceBuffer<float> y, int count, int dim);

    /// <summary>
    /// dtable[ids[i],:] += dy[i,:] (scatter-add; repeated ids accumulate). Deterministic on Host only
    /// (ILGPU uses float atomics). An id outside [0, vocab) is skipped.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.EmbeddingBackward"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void EmbeddingBackward(DeviceBuffer<float> dy, DeviceBuffer<int> ids, DeviceBuffer<float> dtable, int count, int dim);

    // ---------------------------------------------------------------- optimizer

    /// <summary>
    /// One Adam step on n parameters at step t (1-based), with bias correction.
    /// decoupled = true is AdamW (p -= lr * weightDecay * p before the Adam update);
    /// decoupled = false adds weightDecay * p to the gradient (classic L2).
    /// m and v are the first and second moments, updated in place.
    /// </summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.AdamUpdate"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void AdamUpdate(DeviceBuffer<float> param, DeviceBuffer<float> grad, DeviceBuffer<float> m, DeviceBuffer<float> v,
                    int n, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled, int t);

    /// <summary>
    /// result[0] (= or, with <paramref name="accumulate"/>, +=) sum over i in [0, n) of x[i]^2, each square rounded to
    /// float: the squared L2 norm of a vector, for global-norm gradient clipping (issue 18: one call over the
    /// optimizer's flat gradient buffer instead of one per tensor). Spread over the whole device (ILGPU: a grid of
    /// groups writes partial sums, one group adds them: 2 launches, 1 when n fits one group; not
    /// <see cref="ReduceBroadcast"/> with period 1, which gives the whole sum to one group). Deterministic: the order
    /// of the additions depends only on n (and the backend), never on timing, so a result is the same on every run;
    /// no atomics. Float32 accumulation on ILGPU, double between blocks on Host; a square that overflows is +inf and
    /// a NaN element makes the sum NaN, as a float sum of squares does. n = 0 gives 0 (result unchanged when
    /// accumulating).
    /// </summary>
    /// <param name="x">The vector, at least n floats.</param>
    /// <param name="n">Elements summed, &gt;= 0.</param>
    /// <param name="result">[1] (at least): receives the sum; must not be x.</param>
    /// <param name="accumulate">Add to result[0] instead of overwriting it.</param>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.SumOfSquares"/> (n, buffer lengths, aliasing; <see cref="ArgumentOutOfRangeException"/> for n &lt; 0). Same type and message on every backend.</exception>
    void SumOfSquares(DeviceBuffer<float> x, int n, DeviceBuffer<float> result, bool accumulate);

    /// <summary>
    /// The factor of global-norm gradient clipping, computed on the device so that a training step need
    /// not read the norm back: norm[0] = sqrt(sumSquares[0]) and scale[0] = <see cref="KernelMath.ClipScale"/>
    /// (maxNorm / (norm + 1e-6) when norm &gt; maxNorm, 1 when not or when the norm is not finite), as
    /// torch.nn.utils.clip_grad_norm_. sumSquares comes from <see cref="SumOfSquares"/>; the gradients are then scaled
    /// by <see cref="Binary"/> (Mul, period 1).
    /// Deterministic on every backend.
    /// </summary>
    /// <param name="sumSquares">[1]: the sum of the squared gradient elements.</param>
    /// <param name="norm">[1]: receives the global L2 norm (before clipping).</param>
    /// <param name="scale">[1]: receives the factor; must not be <paramref name="norm"/>.</param>
    /// <param name="maxNorm">The largest norm allowed, finite and &gt; 0.</param>
    /// <exception cref="ArgumentException">A buffer is empty or norm is scale.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxNorm is not finite and &gt; 0.</exception>
    void ClipScale(DeviceBuffer<float> sumSquares, DeviceBuffer<float> norm, DeviceBuffer<float> scale, float maxNorm);

    // ---------------------------------------------------------------- random

    /// <summary>y[i] = Philox.Uniform(seed, offset + i) in [0, 1).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.RandomFill"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void FillUniform(DeviceBuffer<float> y, int n, ulong seed, ulong offset);

    /// <summary>y[i] = mean + std * Philox.Normal(seed, offset + i).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.RandomFill"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void FillNormal(DeviceBuffer<float> y, int n, float mean, float std, ulong seed, ulong offset);

    /// <summary>y[i] = Philox.Gumbel(seed, offset + i), standard Gumbel(0, 1).</summary>
    /// <exception cref="ArgumentException">The arguments break the op's contract, <see cref="KernelContracts.RandomFill"/> (sizes, buffer lengths, aliasing, parameter ranges; <see cref="ArgumentOutOfRangeException"/> for a value out of range). Same type and message on every backend.</exception>
    void FillGumbel(DeviceBuffer<float> y, int n, ulong seed, ulong offset);
}
