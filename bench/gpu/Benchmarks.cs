using System.Diagnostics;
using NativeDsp.Kernels;
using NativeDsp.Kernels.Ilgpu;

namespace NativeDsp.GpuCheck;

/// <summary>
/// Times the kernels of <see cref="CheckPlan"/> on one backend: each case is warmed up, then run
/// <see cref="CheckPlan.Repeats"/> times between two <see cref="IKernels.Synchronize"/> calls (a synchronised
/// wall clock: ILGPU exposes no CUDA events through <see cref="IKernels"/>), and the median is kept. A case that
/// throws is recorded with its error and the others still run.
/// </summary>
public sealed class Benchmarks(IKernels kernels, CheckPlan plan, TextWriter log)
{
    readonly Random rng = new(7);

    /// <summary>
    /// Called with the cases timed so far after each one: the time command saves ours.json there, so that a run
    /// killed by run.sh's time limit keeps every row it finished.
    /// </summary>
    public Action<IReadOnlyList<TimingCase>>? Progress { get; init; }

    void Add(List<TimingCase> cases, TimingCase c)
    {
        cases.Add(c);
        Progress?.Invoke(cases);
    }

    /// <summary>Runs every timed case in the order GEMM, batched attention-head GEMM, attention, soft top-K, AdamW, training step.</summary>
    public List<TimingCase> RunAll()
    {
        var cases = new List<TimingCase>();
        foreach (int n in plan.GemmSizes) Add(cases, Guard($"gemm {n}", "gemm", new() { ["m"] = n, ["n"] = n, ["k"] = n }, Gemm));
        if (kernels is IlgpuKernels)
        {
            // The older 64 x 64-tile kernel at the target size, to show what the 128 x 128 tiles gain.
            int n = plan.GemmSizes[^1] >= 4096 ? 4096 : plan.GemmSizes[^1];
            Add(cases, Guard($"gemm {n} (64x64 tiles)", "gemm", new() { ["m"] = n, ["n"] = n, ["k"] = n, ["tiles64"] = 1 }, Gemm));
            // The 128 x 128 tiles with scalar global loads, to show what the 16-byte vector loads gain.
            Add(cases, Guard($"gemm {n} (128x128 tiles, scalar loads)", "gemm", new() { ["m"] = n, ["n"] = n, ["k"] = n, ["scalar_loads"] = 1 }, Gemm));
            // The TF32 tensor-core path (opt-in, sm_80+ only; peers.py times torch.matmul with TF32 on for it).
            if (((IlgpuKernels)kernels).SupportsTf32TensorCores)
                Add(cases, Guard($"gemm {n} (TF32 tensor cores)", "gemm", new() { ["m"] = n, ["n"] = n, ["k"] = n, ["tf32"] = 1 }, Gemm));
        }
        // Many small products (attention heads): Auto (the 32 x 32 tiles) against the 64 x 64 tiles that pad each item.
        var (items, hm, hn, hk) = plan.HeadGemm;
        var head = new Dictionary<string, double> { ["batch"] = items, ["m"] = hm, ["n"] = hn, ["k"] = hk, ["trans_b"] = 1 };
        Add(cases, Guard($"batched attention-head GEMM {items} x {hm}x{hn}x{hk} NT", "bmm", head, BatchedGemm));
        if (kernels is IlgpuKernels)
            Add(cases, Guard($"batched attention-head GEMM {items} x {hm}x{hn}x{hk} NT (padded to 64x64 tiles)", "bmm", new(head) { ["tiles64"] = 1 }, BatchedGemm));
        // A weight gradient with few output tiles and a long k: Auto (split-k where the tiles leave SMs idle) against one slice.
        var (wm, wn, wk) = plan.WeightGradient;
        var wgrad = new Dictionary<string, double> { ["m"] = wm, ["n"] = wn, ["k"] = wk };
        Add(cases, Guard($"weight-gradient GEMM {wm}x{wn}x{wk} TN", "wgrad", wgrad, WeightGradientGemm));
        if (kernels is IlgpuKernels)
            Add(cases, Guard($"weight-gradient GEMM {wm}x{wn}x{wk} TN (no split-k)", "wgrad", new(wgrad) { ["no_split"] = 1 }, WeightGradientGemm));
        var (b, h, t, d) = plan.Attention;
        Add(cases, Guard($"attention fwd+bwd B{b} H{h} T{t} D{d}", "attention", new() { ["b"] = b, ["h"] = h, ["t"] = t, ["d"] = d }, Attention));
        if (kernels is IlgpuKernels) // the per-row kernels the tiles replace, to show what they gain
            Add(cases, Guard($"attention fwd+bwd B{b} H{h} T{t} D{d} (per-row kernels)", "attention",
                new() { ["b"] = b, ["h"] = h, ["t"] = t, ["d"] = d, ["per_row"] = 1 }, Attention));
        var (heads, k) = plan.TopK;
        Add(cases, Guard($"soft top-K fwd+bwd H{heads} K{k}", "softtopk", new() { ["heads"] = heads, ["k"] = k, ["tau"] = 1.0 }, SoftTopK));
        var s = plan.Bert;
        var bert = new Dictionary<string, double> { ["layers"] = s.Layers, ["d"] = s.DModel, ["heads"] = s.Heads, ["ffn"] = s.Ffn, ["vocab"] = s.Vocab };
        Add(cases, Guard($"AdamW all parameters L{s.Layers} d{s.DModel} (one launch)", "adam", bert, Adam));
        if (kernels is IBufferSlices) // the launch per parameter it replaces, on the same flat buffers
            Add(cases, Guard($"AdamW all parameters L{s.Layers} d{s.DModel} (per-tensor launches)", "adam", new(bert) { ["per_tensor"] = 1 }, Adam));
        // Global-norm clipping (max norm 1) before the step, as a training run with clipping does it: over the flat gradient
        // buffer (Adam.ClipGradNormOnDevice once the gradients live there), and tensor by tensor (its fallback).
        Add(cases, Guard($"clip + AdamW all parameters L{s.Layers} d{s.DModel} (flat)", "adam", new(bert) { ["clip"] = 1 }, Adam));
        if (kernels is IBufferSlices)
            Add(cases, Guard($"clip + AdamW all parameters L{s.Layers} d{s.DModel} (per-tensor launches)", "adam", new(bert) { ["clip"] = 1, ["per_tensor"] = 1 }, Adam));
        Add(cases, Guard($"BERT step L{s.Layers} d{s.DModel} B{s.Batch}x{s.Length} DSP K{s.KeepHeads}", "bert_step", new()
        {
            ["layers"] = s.Layers, ["d"] = s.DModel, ["heads"] = s.Heads, ["ffn"] = s.Ffn, ["vocab"] = s.Vocab,
            ["batch"] = s.Batch, ["length"] = s.Length, ["keep"] = s.KeepHeads,
        }, BertStep));
        return cases;
    }

    TimingCase Guard(string key, string kind, Dictionary<string, double> p, Func<string, string, Dictionary<string, double>, TimingCase> run)
    {
        log.WriteLine($"timing {key} ...");
        try
        {
            var c = run(key, kind, p);
            log.WriteLine($"  {c.Milliseconds:F4} ms (median of {c.Repeats}){(c.Note.Length > 0 ? "; " + c.Note : "")}");
            return c;
        }
        catch (Exception e)
        {
            log.WriteLine($"  FAILED: {e.GetType().Name}: {e.Message}");
            return new TimingCase(key, kind, p, null, 0, 0, 0, $"failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Median milliseconds of <paramref name="op"/> and the number of timed calls.</summary>
    public static (double Ms, int Repeats) Median(IKernels kernels, Action op, int warmup, int repeats, double capSeconds)
    {
        for (int i = 0; i < warmup; i++) op();
        kernels.Synchronize();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < repeats && (times.Count == 0 || total.Elapsed.TotalSeconds < capSeconds))
        {
            long t0 = Stopwatch.GetTimestamp();
            op();
            kernels.Synchronize();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        times.Sort();
        int m = times.Count;
        return (m % 2 == 1 ? times[m / 2] : 0.5 * (times[m / 2 - 1] + times[m / 2]), m);
    }

    (double Ms, int Repeats) Median(Action op) => Median(kernels, op, plan.Warmup, plan.Repeats, plan.SecondsPerCase);

    DeviceBuffer<float> Random(int n, float scale = 1f)
    {
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (rng.NextSingle() * 2f - 1f) * scale;
        var b = kernels.Allocate(n);
        b.CopyFrom(data);
        return b;
    }

    TimingCase Gemm(string key, string kind, Dictionary<string, double> p)
    {
        int n = (int)p["n"];
        using var a = Random(n * n);
        using var b = Random(n * n);
        using var c = kernels.Allocate(n * n);
        var ilgpu = kernels as IlgpuKernels;
        var tiling = p.ContainsKey("tiles64") ? IlgpuGemmTiling.Tiles64 : p.ContainsKey("tf32") ? IlgpuGemmTiling.Tf32TensorCores
            : p.ContainsKey("scalar_loads") ? IlgpuGemmTiling.Tiles128 : IlgpuGemmTiling.Auto;
        if (ilgpu is not null)
        {
            ilgpu.GemmTiling = tiling;
            ilgpu.VectorLoads = !p.ContainsKey("scalar_loads");
        }
        try
        {
            var (ms, reps) = Median(() => kernels.MatMul(a, b, c, 1, n, n, n, false, false, 0, 0, 0));
            string which = ilgpu is null ? "" : tiling == IlgpuGemmTiling.Tf32TensorCores ? ", TF32 mma.sync m16n8k8, 64x64 tiles (floor and % peak are against fp32; TF32 dense peak ~495 TFLOP/s)"
                : tiling == IlgpuGemmTiling.Tiles64 || (tiling == IlgpuGemmTiling.Auto && n < IlgpuKernels.LargeTileMinimum) ? ", 64x64 tiles"
                : ilgpu.VectorLoads ? ", 128x128 tiles, 16-byte loads" : ", 128x128 tiles, scalar loads";
            return new TimingCase(key, kind, p, ms, 2.0 * n * n * n, 3.0 * 4 * n * n, reps, $"C = A B, {(tiling == IlgpuGemmTiling.Tf32TensorCores ? "tf32" : "fp32")}, NN{which}");
        }
        finally
        {
            if (ilgpu is not null)
            {
                ilgpu.GemmTiling = IlgpuGemmTiling.Auto;
                ilgpu.VectorLoads = true;
            }
        }
    }

    /// <summary>C[i] = A[i] B[i]^T for each item i: A [batch, m, k], B [batch, n, k], C [batch, m, n] (Q K^T per head).</summary>
    TimingCase BatchedGemm(string key, string kind, Dictionary<string, double> p)
    {
        int batch = (int)p["batch"], m = (int)p["m"], n = (int)p["n"], k = (int)p["k"];
        using var a = Random(batch * m * k);
        using var b = Random(batch * n * k);
        using var c = kernels.Allocate(batch * m * n);
        var ilgpu = kernels as IlgpuKernels;
        var tiling = p.ContainsKey("tiles64") ? IlgpuGemmTiling.Tiles64 : IlgpuGemmTiling.Auto;
        if (ilgpu is not null) ilgpu.GemmTiling = tiling;
        try
        {
            var (ms, reps) = Median(() => kernels.MatMul(a, b, c, batch, m, n, k, false, true, (long)m * k, (long)n * k, (long)m * n));
            var used = tiling == IlgpuGemmTiling.Auto ? IlgpuKernels.ChooseTiling(m, n) : tiling;
            string which = ilgpu is null ? "" : used switch { IlgpuGemmTiling.Tiles32 => ", 32x32 tiles", IlgpuGemmTiling.Tiles64 => ", 64x64 tiles", _ => ", 128x128 tiles" };
            return new TimingCase(key, kind, p, ms, 2.0 * batch * m * n * k, 4.0 * batch * ((double)m * k + (double)n * k + (double)m * n), reps,
                $"C[i] = A[i] B[i]^T, fp32, {batch} items{which}");
        }
        finally
        {
            if (ilgpu is not null) ilgpu.GemmTiling = IlgpuGemmTiling.Auto;
        }
    }

    TimingCase WeightGradientGemm(string key, string kind, Dictionary<string, double> p)
    {
        int m = (int)p["m"], n = (int)p["n"], k = (int)p["k"];
        using var dy = Random(k * m);
        using var x = Random(k * n);
        using var dw = kernels.Allocate(m * n);
        var ilgpu = kernels as IlgpuKernels;
        if (ilgpu is not null) ilgpu.GemmKSplits = p.ContainsKey("no_split") ? 1 : 0;
        try
        {
            long before = ilgpu?.SplitKLaunches ?? 0;
            // Accumulating (beta = 1), as the backward pass adds into a parameter's gradient.
            var (ms, reps) = Median(() => kernels.MatMul(dy, x, dw, 1, m, n, k, true, false, 0, 0, 0, 1f, 1f));
            string which = ilgpu is null ? "" : $", {IlgpuKernels.ChooseTiling(m, n)}, {(ilgpu.SplitKLaunches > before ? "split-k" : "one k slice")}";
            return new TimingCase(key, kind, p, ms, 2.0 * m * n * k, 4.0 * ((double)k * m + (double)k * n + 2.0 * m * n), reps,
                $"dW += dY^T X, fp32{which}");
        }
        finally
        {
            if (ilgpu is not null) ilgpu.GemmKSplits = 0;
        }
    }

    TimingCase Attention(string key, string kind, Dictionary<string, double> p)
    {
        int b = (int)p["b"], h = (int)p["h"], t = (int)p["t"], d = (int)p["d"];
        var s = AttentionShape.Create(b, h, t, t, d);
        using var q = Random(s.QueryElements);
        using var k = Random(s.KeyElements);
        using var v = Random(s.KeyElements);
        using var dO = Random(s.QueryElements);
        using var o = kernels.Allocate(s.QueryElements);
        using var lse = kernels.Allocate(s.RowCount);
        using var dq = kernels.Allocate(s.QueryElements);
        using var dk = kernels.Allocate(s.KeyElements);
        using var dv = kernels.Allocate(s.KeyElements);
        using var gate = kernels.Allocate(h);
        using var dGate = kernels.Allocate(h);
        using var mask = kernels.Allocate(b * t);
        gate.CopyFrom(Enumerable.Range(0, h).Select(i => 0.5f + 0.5f * (i % 3) / 2f).ToArray());
        mask.CopyFrom(PaddingMask(b, t));
        var ilgpu = kernels as IlgpuKernels;
        if (ilgpu is not null) ilgpu.TiledAttentionForward = ilgpu.TiledAttentionBackward = !p.ContainsKey("per_row");
        (double ms, int reps) timed;
        try
        {
            timed = Median(() =>
            {
                kernels.AttentionForward(q, k, v, mask, gate, o, lse, s);
                kernels.AttentionBackward(q, k, v, mask, gate, o, lse, dO, dq, dk, dv, dGate, s);
            });
        }
        finally
        {
            if (ilgpu is not null) ilgpu.TiledAttentionForward = ilgpu.TiledAttentionBackward = true;
        }
        var (ms, reps) = timed;
        double flops = 14.0 * b * h * t * t * d;        // forward 4 BHT^2D, backward 10 (scores recomputed)
        double bytes = 4.0 * 15 * b * h * t * d;        // fwd: q k v read, o written; bwd: q k v o dO read, dq dk dv read + written
        return new TimingCase(key, kind, p, ms, flops, bytes, reps, "key padding mask (odd batch items keep 3/4 of the keys) and head gate");
    }

    /// <summary>The padding of the attention case, shared with peers.py by rule: odd batch items keep the first 3T/4 keys.</summary>
    public static float[] PaddingMask(int batch, int length)
    {
        var mask = new float[batch * length];
        for (int b = 0; b < batch; b++)
        {
            int keep = b % 2 == 1 ? Math.Max(1, 3 * length / 4) : length;
            for (int j = 0; j < keep; j++) mask[b * length + j] = 1f;
        }
        return mask;
    }

    TimingCase SoftTopK(string key, string kind, Dictionary<string, double> p)
    {
        int heads = (int)p["heads"], k = (int)p["k"];
        double tau = p["tau"];
        using var w = Random(heads);
        using var g = kernels.Allocate(heads);
        using var mask = kernels.Allocate(heads);
        using var dmask = Random(heads);
        using var dw = kernels.Allocate(heads);
        using var saved = kernels.AllocateDouble((int)Kernels.Pruning.SoftTopKLayout.SavedLength(heads, k));
        kernels.FillGumbel(g, heads, 3, 0);
        var (ms, reps) = Median(() =>
        {
            kernels.SoftTopKForward(w, g, mask, saved, heads, k, tau);
            kernels.SoftTopKBackward(saved, dmask, dw, heads, k, tau);
        });
        // Per iteration and head: a softmax (max, exp, sum, divide) and log(1 - p) forward, about twice that backward.
        double flops = 30.0 * k * heads;
        double bytes = 8.0 * Kernels.Pruning.SoftTopKLayout.SavedLength(heads, k) * 2 + 4.0 * 5 * heads;
        return new TimingCase(key, kind, p, ms, flops, bytes, reps, "float64 inside; latency-bound (one group)");
    }

    /// <summary>
    /// The tensor lengths of the BERT step's model (embeddings with 512 positions and 2 segments, per layer Q, K, V, O,
    /// two FFN matrices, their biases and two layer norms, pooler, 3-way classifier) plus DSP's L x H head logits; peers.py
    /// builds the same list for torch.optim.AdamW(fused=True).
    /// </summary>
    public static int[] BertTensorLengths(int layers, int d, int heads, int ffn, int vocab)
    {
        var lengths = new List<int> { vocab * d, 512 * d, 2 * d, d, d };
        for (int l = 0; l < layers; l++)
        {
            for (int i = 0; i < 4; i++) lengths.AddRange([d * d, d]);
            lengths.AddRange([d, d, d * ffn, ffn, ffn * d, d, d, d]);
        }
        lengths.AddRange([d * d, d, 3 * d, 3, layers * heads]);
        return [.. lengths];
    }

    TimingCase Adam(string key, string kind, Dictionary<string, double> p)
    {
        var lengths = BertTensorLengths((int)p["layers"], (int)p["d"], (int)p["heads"], (int)p["ffn"], (int)p["vocab"]);
        using var layout = new MultiTensorLayout(kernels, lengths);
        for (int s = 0; s < lengths.Length; s++)
            layout.SetTensor(s, true, s == lengths.Length - 1, s == lengths.Length - 1 ? 0.5f : 1e-4f, s == lengths.Length - 1 ? 0f : 0.01f);
        using var param = Random(layout.Length);
        using var grad = Random(layout.Length);
        using var m = kernels.Allocate(layout.Length);
        using var v = kernels.Allocate(layout.Length);
        int t = 0;
        bool clip = p.ContainsKey("clip"), perTensor = p.ContainsKey("per_tensor");
        using var sumSquares = kernels.Allocate(1);
        using var norm = kernels.Allocate(1);
        using var scale = kernels.Allocate(1);
        // The ops of GradClip.Clip (engine/Optim/GradClip.cs) on these buffers: the sums of squares, the factor, the scales.
        void Clip(IReadOnlyList<(DeviceBuffer<float> G, int N)> gradients)
        {
            for (int i = 0; i < gradients.Count; i++) kernels.SumOfSquares(gradients[i].G, gradients[i].N, sumSquares, i > 0);
            kernels.ClipScale(sumSquares, norm, scale, 1f);
            foreach (var (g, n) in gradients) kernels.Binary(BinaryOp.Mul, g, scale, g, n, 1, 1);
        }
        (double ms, int reps) timed;
        if (!perTensor)
            timed = Median(() =>
            {
                if (clip) Clip([(grad, layout.Length)]);
                kernels.AdamUpdateMultiTensor(param, grad, m, v, layout, 1f, 0.9f, 0.999f, 1e-8f, true, ++t);
            });
        else
        {
            var slices = (IBufferSlices)kernels;
            var views = Enumerable.Range(0, lengths.Length).Select(s => (P: slices.Slice(param, layout.Offset(s), lengths[s]), G: slices.Slice(grad, layout.Offset(s), lengths[s]),
                M: slices.Slice(m, layout.Offset(s), lengths[s]), V: slices.Slice(v, layout.Offset(s), lengths[s]))).ToArray();
            var gradients = views.Select((x, s) => (x.G, lengths[s])).ToList();
            try
            {
                timed = Median(() =>
                {
                    t++;
                    if (clip) Clip(gradients);
                    for (int s = 0; s < views.Length; s++)
                        kernels.AdamUpdate(views[s].P, views[s].G, views[s].M, views[s].V, lengths[s], layout.LearningRate(s), 0.9f, 0.999f, 1e-8f,
                                           layout.WeightDecay(s), true, t);
                });
            }
            finally
            {
                foreach (var x in views) { x.P.Dispose(); x.G.Dispose(); x.M.Dispose(); x.V.Dispose(); }
            }
        }
        long n = lengths.Sum(x => (long)x);
        // Per element: param, grad, m, v read; param, m, v written (7 x 4 bytes); ~15 flops. The clip reads the gradient
        // (sum of squares), then reads and writes it (scale): 3 x 4 bytes and 3 flops more.
        string launches = perTensor
            ? $"{lengths.Length} Adam launches" + (clip ? $", {lengths.Length} scales and {lengths.Length}-{2 * lengths.Length} sum-of-squares launches" : "")
            : "1 Adam launch" + (clip ? ", clip in 4 (2 sum of squares, factor, scale)" : "");
        return new TimingCase(key, kind, p, timed.ms, (clip ? 18.0 : 15.0) * n, (clip ? 40.0 : 28.0) * n, timed.reps,
            $"{lengths.Length} tensors, {n / 1e6:F1}M parameters, {launches}");
    }

    TimingCase BertStep(string key, string kind, Dictionary<string, double> p)
    {
        using var step = new BertDspStep(kernels, plan.Bert);
        var (ms, reps) = Median(() => step.Run());
        return new TimingCase(key, kind, p, ms, BertDspStep.Flops(plan.Bert), BertDspStep.MinimumBytes(step.ParameterCount), reps,
            $"forward + backward + AdamW, dropout 0.1, one loss read-back; {step.ParameterCount / 1e6:F1}M parameters; last loss {step.LastLoss:F4}");
    }
}
