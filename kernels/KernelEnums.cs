namespace NativeDsp.Kernels;

/// <summary>Where the kernels run.</summary>
public enum BackendKind
{
    /// <summary>Hand-written C# SIMD kernels on the CPU (the default without a GPU).</summary>
    Host,
    /// <summary>ILGPU kernels on an NVIDIA GPU.</summary>
    Cuda,
    /// <summary>ILGPU kernels on an OpenCL device that ILGPU accepts.</summary>
    OpenCL,
    /// <summary>ILGPU kernels on ILGPU's CPU accelerator: for checking the ILGPU kernels, far too slow to train.</summary>
    IlgpuCpu,
}

/// <summary>Element-wise binary operation of <see cref="IKernels.Binary"/>.</summary>
public enum BinaryOp
{
    /// <summary>a + b.</summary>
    Add,
    /// <summary>a - b.</summary>
    Sub,
    /// <summary>a * b.</summary>
    Mul,
    /// <summary>a / b (IEEE: a / 0 is +-inf or NaN).</summary>
    Div,
}

/// <summary>Point-wise activation of <see cref="IKernels.ActivationForward"/>.</summary>
public enum Activation
{
    /// <summary>max(x, 0); derivative 0 at x = 0 (as PyTorch).</summary>
    Relu,
    /// <summary>Exact GELU, x * Phi(x) with the error function (BERT, MiniLM).</summary>
    Gelu,
    /// <summary>GELU's tanh approximation (GPT-2).</summary>
    GeluTanh,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>The logistic function 1 / (1 + exp(-x)).</summary>
    Sigmoid,
}
