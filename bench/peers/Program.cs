using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace NativeDsp.Bench.Peers;

/// <summary>
/// Peer figures for issue 15, printed as tab-separated "RESULT, name, ms" lines that bench/run-cpu.sh puts beside
/// NativeDsp's (the same shapes: <see cref="GemmSweep.Shapes"/>, <see cref="StepWorkload.Names"/>). Both peers
/// run on 2 threads (libtorch intra-op threads, ONNX Runtime intra-op threads).
/// Commands: <c>torch-gemm [rounds]</c>, <c>torch-steps [rounds] [workload,... | all] [dropout]</c>, <c>onnx [rounds]</c>.
/// </summary>
public static class Program
{
    const int Threads = 2;

    public static void Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        int rounds = args.Length > 1 && int.TryParse(args[1], out int r) ? r : 5;
        switch (command)
        {
            case "torch-gemm": TorchGemm(rounds); break;
            case "torch-steps":
                TorchSteps(rounds, args.Length > 2 && args[2] != "all" ? args[2].Split(',') : StepWorkload.Names,
                           args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0.1);
                break;
            case "onnx": Onnx(rounds); break;
            default:
                Console.Error.WriteLine("usage: peers torch-gemm [rounds] | torch-steps [rounds] [workloads|all] [dropout] | onnx [rounds]");
                Environment.Exit(2);
                break;
        }
    }

    static void SetUpTorch()
    {
        torch.set_num_threads(Threads);
        torch.set_num_interop_threads(1);
        Console.WriteLine($"libtorch {torch.__version__} (TorchSharp), {torch.get_num_threads()} threads; CPU: {NativeDsp.Kernels.Host.VectorWidths.Describe()}");
    }

    static void TorchGemm(int rounds)
    {
        SetUpTorch();
        using var noGrad = no_grad();
        foreach (var shape in GemmSweep.Shapes)
        {
            var gen = new Generator(1);
            // Stored as the product reads them: A [m, k] or, transposed, [k, m]; B [k, n] or [n, k].
            using var a = shape.TransA ? rand(shape.K, shape.M, generator: gen) : rand(shape.M, shape.K, generator: gen);
            using var b = shape.TransB ? rand(shape.N, shape.K, generator: gen) : rand(shape.K, shape.N, generator: gen);
            var opA = shape.TransA ? a.t() : a;
            var opB = shape.TransB ? b.t() : b;
            var times = new List<double>();
            for (int round = 0; round < rounds; round++)
                times.Add(GemmSweep.TimeMs(() => { using var product = opA.mm(opB); }, shape.Flops));
            double ms = GemmSweep.Median(times);
            Console.WriteLine($"{shape.Name}: {ms:F3} ms ({shape.Flops / ms / 1e6:F1} GFLOP/s)");
            Console.WriteLine($"RESULT\tgemm:{shape.Name}\t{ms:F4}");
        }
    }

    static void TorchSteps(int rounds, string[] names, double dropout)
    {
        SetUpTorch();
        var workloads = names.Select(n => (Name: n, W: TorchWorkload.Create(n, dropout))).Where(w => w.W is not null).ToList();
        foreach (var (_, w) in workloads) for (int i = 0; i < 2; i++) w!.Run();
        var medians = workloads.ToDictionary(w => w.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
            foreach (var (name, w) in workloads)
            {
                var times = new List<double>();
                for (int i = 0; i < 3; i++)
                {
                    long t = Stopwatch.GetTimestamp();
                    w!.Run();
                    times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
                medians[name].Add(GemmSweep.Median(times));
            }
        foreach (var (name, w) in workloads)
        {
            double ms = GemmSweep.Median(medians[name]);
            Console.WriteLine($"{name}: {ms:F2} ms");
            Console.WriteLine($"RESULT\t{name}@d{dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{ms:F3}");
            w!.Dispose();
        }
    }

    static void Onnx(int rounds)
    {
        using var model = new OnnxMiniLm(32, 64, Threads);
        Console.WriteLine(model.Describe());
        for (int i = 0; i < 2; i++) model.Run();
        var medians = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var times = new List<double>();
            for (int i = 0; i < 3; i++)
            {
                long t = Stopwatch.GetTimestamp();
                model.Run();
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            medians.Add(GemmSweep.Median(times));
        }
        Console.WriteLine($"minilm-infer: {GemmSweep.Median(medians):F2} ms");
        Console.WriteLine($"RESULT\tminilm-infer@d0\t{GemmSweep.Median(medians):F3}");
    }
}
