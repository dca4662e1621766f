using System.Diagnostics;
using System.Reflection;
using NativeDsp.Kernels;

namespace NativeDsp.Bench;

/// <summary>
/// Wraps any <see cref="IKernels"/> and adds up the wall time spent in each kernel method, so a driver can
/// print where a training step goes. Built on <see cref="DispatchProxy"/> so that it keeps working when
/// the interface grows; the reflection call costs well under a microsecond per kernel, small beside the
/// ~2000 kernel calls of a step that takes ~100+ ms (the driver reports the untimed remainder separately).
/// Host kernels are synchronous, so the time of a call is the time of the kernel.
/// </summary>
public class KernelTimer : DispatchProxy
{
    IKernels inner = null!;
    readonly Dictionary<string, (long Ticks, long Calls)> totals = [];
    readonly Dictionary<string, (long Ticks, long Calls, double Flops)> gemms = [];

    public static (IKernels Kernels, KernelTimer Timer) Wrap(IKernels kernels)
    {
        var proxy = Create<IKernels, KernelTimer>();
        var timer = (KernelTimer)(object)proxy;
        timer.inner = kernels;
        return (proxy, timer);
    }

    public bool Enabled { get; set; }

    public IReadOnlyDictionary<string, (long Ticks, long Calls)> Totals => totals;

    /// <summary>GEMM calls by shape ("batch x m x n x k, transA/transB"), with their flop counts.</summary>
    public IReadOnlyDictionary<string, (long Ticks, long Calls, double Flops)> Gemms => gemms;

    public void Reset()
    {
        totals.Clear();
        gemms.Clear();
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (!Enabled) return Call(targetMethod!, args);
        long start = Stopwatch.GetTimestamp();
        try
        {
            return Call(targetMethod!, args);
        }
        finally
        {
            long elapsed = Stopwatch.GetTimestamp() - start;
            string name = targetMethod!.Name;
            totals[name] = totals.TryGetValue(name, out var t) ? (t.Ticks + elapsed, t.Calls + 1) : (elapsed, 1);
            if (name == "MatMul") RecordGemm(args!, elapsed);
        }
    }

    void RecordGemm(object?[] a, long elapsed)
    {
        // MatMul(a, b, c, batch, m, n, k, transA, transB, ...)
        int batch = (int)a[3]!, m = (int)a[4]!, n = (int)a[5]!, k = (int)a[6]!;
        string key = $"{batch} x {m} x {n} x {k}, {((bool)a[7]! ? "T" : "N")}{((bool)a[8]! ? "T" : "N")}";
        double flops = 2.0 * batch * m * n * k;
        gemms[key] = gemms.TryGetValue(key, out var g) ? (g.Ticks + elapsed, g.Calls + 1, g.Flops + flops) : (elapsed, 1, flops);
    }

    object? Call(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>The kernel family a method belongs to, for the report.</summary>
    public static string Family(string method) => method switch
    {
        "MatMul" => "GEMM (MatMul)",
        "AttentionForward" => "attention forward (fused)",
        "AttentionBackward" => "attention backward (fused)",
        "LayerNormForward" or "LayerNormBackward" => "layer norm",
        "ActivationForward" or "ActivationBackward" => "activations (GELU, tanh)",
        "Binary" or "ReduceBroadcast" or "ScaleShift" or "Axpy" or "ReduceRows" => "element-wise and reductions",
        "Copy" or "Copy2D" or "SwapAxes12" or "Fill" => "copies, head transposes, fills",
        "EmbeddingForward" or "EmbeddingBackward" => "embeddings",
        "CrossEntropyForward" or "CrossEntropyBackward" or "SoftmaxForward" or "SoftmaxBackward"
            or "LogSoftmaxForward" or "LogSoftmaxBackward" => "softmax / cross-entropy",
        "AdamUpdate" => "AdamW update",
        "Dropout" or "FillUniform" or "FillNormal" or "FillGumbel" => "dropout / random",
        "Allocate" or "AllocateInt" or "AllocateDouble" => "buffer allocation",
        _ => "other",
    };
}
