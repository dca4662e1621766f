using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace NativeDsp.Kernels.Ilgpu;

// A TF32 tensor-core GEMM through inline PTX (issue 18; ILGPU 1.5's CudaAsm.EmitRef), chosen only by
// IlgpuGemmTiling.Tf32TensorCores on a CUDA device of compute capability 8.0 or newer. TF32 keeps 10 of float32's
// 23 mantissa bits on the inputs (products and sums stay float32), so it is never the default: a result differs
// from the float32 GEMM by up to ~2^-11 |A| |B| per product, which the kit checks (bench/gpu KernelCases).
// Layout: a group of 4 warps (128 threads) computes a 64 x 64 tile of C, each warp a 32 x 32 quarter as 2 x 4
// mma.sync.aligned.m16n8k8 tiles (PTX ISA, "Matrix fragments for mma.m16n8k8", .tf32): with g = lane / 4 and
// q = lane % 4, a lane holds A[g][q], A[g+8][q], A[g][q+4], A[g+8][q+4]; B[q][g], B[q+4][g]; and
// C[g][2q], C[g][2q+1], C[g+8][2q], C[g+8][2q+1]. Per k step of 16 the group stages op(A) (64 x 16, row-major,
// stride 20) and op(B) (16 x 64, stride 72) in shared memory, rounded to TF32 (cvt.rna) as they are stored; the
// strides put the 32 lanes' fragment reads in 32 distinct banks. Transposes are resolved at the staging loads.
// This machine has no GPU: the kernel is compiled to PTX in the tests (sm_80) and run only by the GPU kit, which
// compares it with the float32 kernels at TF32's tolerance. On any other accelerator MatMul refuses the option.
public sealed partial class IlgpuKernels
{
    const int TcTile = 64, TcK = 16, TcThreads = 128, TcStrideA = TcK + 4, TcStrideB = TcTile + 8;

    Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>? matMulTf32;

    /// <summary>Whether this accelerator runs the TF32 tensor-core GEMM: CUDA with compute capability 8.0 or newer.</summary>
    public bool SupportsTf32TensorCores => Accelerator is CudaAccelerator cuda && cuda.Architecture is { } arch && arch.Major >= 8;

    /// <summary>Launches the TF32 kernel; the caller (<see cref="MatMul"/>) has checked the arguments.</summary>
    /// <exception cref="NotSupportedException">The accelerator is not a CUDA device of compute capability 8.0 or newer.</exception>
    void LaunchTf32(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int batch, int m, int n, MatMulArgs args)
    {
        if (!SupportsTf32TensorCores)
            throw new NotSupportedException($"MatMul: {nameof(IlgpuGemmTiling)}.{nameof(IlgpuGemmTiling.Tf32TensorCores)} needs a CUDA device of compute capability 8.0 or newer, not {Accelerator.Name}");
        matMulTf32 ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulArgs>(MatMulTf32Kernel);
        var grid = new Index3D((n + TcTile - 1) / TcTile, (m + TcTile - 1) / TcTile, batch);
        matMulTf32(new KernelConfig(grid, new Index3D(TcThreads, 1, 1)), a, b, c, args);
    }

    /// <summary>One m16n8k8 accumulator fragment: C[g][2q], C[g][2q+1], C[g+8][2q], C[g+8][2q+1] of its lane.</summary>
    struct Fragment
    {
        public float C0, C1, C2, C3;
    }

    /// <summary>float32 to TF32 (round to nearest, ties away), as the bits mma reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint ToTf32(float x)
    {
        CudaAsm.Emit("cvt.rna.tf32.f32 %0, %1;", out uint r, x);
        return r;
    }

    /// <summary>acc += A B for one 16 x 8 x 8 tile (A fragment a0..a3, B fragment b0, b1) on the tensor cores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Mma(ref Fragment acc, uint a0, uint a1, uint a2, uint a3, uint b0, uint b1)
    {
        Output<float> d0 = default, d1 = default, d2 = default, d3 = default;
        Input<uint> ia0 = a0, ia1 = a1, ia2 = a2, ia3 = a3, ib0 = b0, ib1 = b1;
        Input<float> c0 = acc.C0, c1 = acc.C1, c2 = acc.C2, c3 = acc.C3;
        CudaAsm.EmitRef("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%10, %11, %12, %13};",
                        ref d0, ref d1, ref d2, ref d3, ref ia0, ref ia1, ref ia2, ref ia3, ref ib0, ref ib1, ref c0, ref c1, ref c2, ref c3);
        acc.C0 = d0.Value;
        acc.C1 = d1.Value;
        acc.C2 = d2.Value;
        acc.C3 = d3.Value;
    }

    [IlgpuKernel]
    static void MatMulTf32Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, MatMulArgs p)
    {
        var sa = SharedMemory.Allocate<uint>(TcTile * TcStrideA); // sa[i * TcStrideA + kk] = tf32(op(A)[row0 + i, k0 + kk])
        var sb = SharedMemory.Allocate<uint>(TcK * TcStrideB);    // sb[kk * TcStrideB + j] = tf32(op(B)[k0 + kk, col0 + j])
        int t = Group.IdxX, lane = t & 31, warp = t >> 5, g = lane >> 2, q = lane & 3;
        int wm = (warp >> 1) * 32, wn = (warp & 1) * 32; // the warp's 32 x 32 quarter of the tile
        int row0 = Grid.IdxY * TcTile, col0 = Grid.IdxX * TcTile, item = Grid.IdxZ;
        int baseA = item * p.StrideA, baseB = item * p.StrideB, baseC = item * p.StrideC;
        Fragment f00 = default, f01 = default, f02 = default, f03 = default, f10 = default, f11 = default, f12 = default, f13 = default;

        for (int k0 = 0; k0 < p.K; k0 += TcK)
        {
            // 1024 elements per panel, 8 per thread; neighbouring threads take neighbouring elements of the stored operand.
            for (int step = 0; step < TcTile * TcK / TcThreads; step++)
            {
                int e = t + step * TcThreads;
                int i, kk;
                if (p.TransA != 0) { i = e % TcTile; kk = e / TcTile; } // A stored [k, m]
                else { kk = e % TcK; i = e / TcK; }                    // A stored [m, k]
                int gi = row0 + i, gk = k0 + kk;
                float va = gi < p.M && gk < p.K ? (p.TransA != 0 ? a[baseA + gk * p.M + gi] : a[baseA + gi * p.K + gk]) : 0f;
                sa[i * TcStrideA + kk] = ToTf32(va);

                int j, kb;
                if (p.TransB != 0) { kb = e % TcK; j = e / TcK; } // B stored [n, k]
                else { j = e % TcTile; kb = e / TcTile; }         // B stored [k, n]
                int gj = col0 + j, gkb = k0 + kb;
                float vb = gj < p.N && gkb < p.K ? (p.TransB != 0 ? b[baseB + gj * p.K + gkb] : b[baseB + gkb * p.N + gj]) : 0f;
                sb[kb * TcStrideB + j] = ToTf32(vb);
            }
            Group.Barrier();
            for (int ks = 0; ks < TcK; ks += 8)
            {
                int r0 = (wm + g) * TcStrideA + ks + q, r1 = r0 + 16 * TcStrideA; // rows g and g + 16 of the warp's quarter
                uint a00 = sa[r0], a01 = sa[r0 + 8 * TcStrideA], a02 = sa[r0 + 4], a03 = sa[r0 + 8 * TcStrideA + 4];
                uint a10 = sa[r1], a11 = sa[r1 + 8 * TcStrideA], a12 = sa[r1 + 4], a13 = sa[r1 + 8 * TcStrideA + 4];
                int kb0 = (ks + q) * TcStrideB + wn + g, kb1 = kb0 + 4 * TcStrideB;
                uint b00 = sb[kb0], b01 = sb[kb1], b10 = sb[kb0 + 8], b11 = sb[kb1 + 8];
                uint b20 = sb[kb0 + 16], b21 = sb[kb1 + 16], b30 = sb[kb0 + 24], b31 = sb[kb1 + 24];
                Mma(ref f00, a00, a01, a02, a03, b00, b01);
                Mma(ref f01, a00, a01, a02, a03, b10, b11);
                Mma(ref f02, a00, a01, a02, a03, b20, b21);
                Mma(ref f03, a00, a01, a02, a03, b30, b31);
                Mma(ref f10, a10, a11, a12, a13, b00, b01);
                Mma(ref f11, a10, a11, a12, a13, b10, b11);
                Mma(ref f12, a10, a11, a12, a13, b20, b21);
                Mma(ref f13, a10, a11, a12, a13, b30, b31);
            }
            Group.Barrier(); // the panels are overwritten by the next step
        }

        int top = row0 + wm + g, left = col0 + wn + 2 * q;
        StoreFragment(c, baseC, p, top, left, f00);
        StoreFragment(c, baseC, p, top, left + 8, f01);
        StoreFragment(c, baseC, p, top, left + 16, f02);
        StoreFragment(c, baseC, p, top, left + 24, f03);
        StoreFragment(c, baseC, p, top + 16, left, f10);
        StoreFragment(c, baseC, p, top + 16, left + 8, f11);
        StoreFragment(c, baseC, p, top + 16, left + 16, f12);
        StoreFragment(c, baseC, p, top + 16, left + 24, f13);
    }

    /// <summary>Writes a lane's fragment: (row, col), (row, col + 1), (row + 8, col), (row + 8, col + 1), inside C only.</summary>
    static void StoreFragment(ArrayView<float> c, int baseC, MatMulArgs p, int row, int col, Fragment f)
    {
        if (row < p.M)
        {
            Store(c, baseC + row * p.N, p, col, f.C0);
            Store(c, baseC + row * p.N, p, col + 1, f.C1);
        }
        if (row + 8 < p.M)
        {
            Store(c, baseC + (row + 8) * p.N, p, col, f.C2);
            Store(c, baseC + (row + 8) * p.N, p, col + 1, f.C3);
        }
    }
}
