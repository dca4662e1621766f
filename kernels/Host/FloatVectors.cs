using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NativeDsp.Kernels.Host;

/// <summary>
/// A float vector of some width, so that a fused kernel is written once as a generic method and the JIT
/// specialises it for 512-bit, 256-bit and scalar (width 1) lanes. The scalar instance runs the tails
/// of odd sizes with the same arithmetic as the vector body. (The BCL's ISimdVector is not public.)
/// </summary>
internal interface IFloatVector<TSelf> where TSelf : struct, IFloatVector<TSelf>
{
    static abstract int Count { get; }
    /// <summary>Loads Count elements at a[index]; the caller has checked the range.</summary>
    static abstract TSelf Load(float[] a, int index);
    static abstract void Store(TSelf value, float[] a, int index);
    static abstract TSelf Broadcast(float value);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    /// <summary>a * b + c.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Max(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf Exp(TSelf a);
    static abstract TSelf Sqrt(TSelf a);
    /// <summary>Per lane: a &lt; b ? ifTrue : ifFalse.</summary>
    static abstract TSelf SelectLess(TSelf a, TSelf b, TSelf ifTrue, TSelf ifFalse);
    static abstract float Sum(TSelf a);
}

internal readonly struct V512(Vector512<float> v) : IFloatVector<V512>
{
    readonly Vector512<float> v = v;
    public static int Count => Vector512<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Load(float[] a, int index) => new(Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(V512 value, float[] a, int index) => value.v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)index);
    public static V512 Broadcast(float value) => new(Vector512.Create(value));
    public static V512 operator +(V512 a, V512 b) => new(a.v + b.v);
    public static V512 operator -(V512 a, V512 b) => new(a.v - b.v);
    public static V512 operator *(V512 a, V512 b) => new(a.v * b.v);
    public static V512 operator /(V512 a, V512 b) => new(a.v / b.v);
    public static V512 Fma(V512 a, V512 b, V512 c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));
    public static V512 Max(V512 a, V512 b) => new(Vector512.Max(a.v, b.v));
    public static V512 Abs(V512 a) => new(Vector512.Abs(a.v));
    public static V512 Exp(V512 a) => new(Vector512.Exp(a.v));
    public static V512 Sqrt(V512 a) => new(Vector512.Sqrt(a.v));
    public static V512 SelectLess(V512 a, V512 b, V512 t, V512 f) => new(Vector512.ConditionalSelect(Vector512.LessThan(a.v, b.v), t.v, f.v));
    public static float Sum(V512 a) => Vector512.Sum(a.v);
}

internal readonly struct V256(Vector256<float> v) : IFloatVector<V256>
{
    readonly Vector256<float> v = v;
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Load(float[] a, int index) => new(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(V256 value, float[] a, int index) => value.v.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(a), (nuint)index);
    public static V256 Broadcast(float value) => new(Vector256.Create(value));
    public static V256 operator +(V256 a, V256 b) => new(a.v + b.v);
    public static V256 operator -(V256 a, V256 b) => new(a.v - b.v);
    public static V256 operator *(V256 a, V256 b) => new(a.v * b.v);
    public static V256 operator /(V256 a, V256 b) => new(a.v / b.v);
    public static V256 Fma(V256 a, V256 b, V256 c) => new(Vector256.FusedMultiplyAdd(a.v, b.v, c.v));
    public static V256 Max(V256 a, V256 b) => new(Vector256.Max(a.v, b.v));
    public static V256 Abs(V256 a) => new(Vector256.Abs(a.v));
    public static V256 Exp(V256 a) => new(Vector256.Exp(a.v));
    public static V256 Sqrt(V256 a) => new(Vector256.Sqrt(a.v));
    public static V256 SelectLess(V256 a, V256 b, V256 t, V256 f) => new(Vector256.ConditionalSelect(Vector256.LessThan(a.v, b.v), t.v, f.v));
    public static float Sum(V256 a) => Vector256.Sum(a.v);
}

/// <summary>One lane: the tails, and machines without SIMD.</summary>
internal readonly struct V1(float v) : IFloatVector<V1>
{
    readonly float v = v;
    public static int Count => 1;
    public static V1 Load(float[] a, int index) => new(a[index]);
    public static void Store(V1 value, float[] a, int index) => a[index] = value.v;
    public static V1 Broadcast(float value) => new(value);
    public static V1 operator +(V1 a, V1 b) => new(a.v + b.v);
    public static V1 operator -(V1 a, V1 b) => new(a.v - b.v);
    public static V1 operator *(V1 a, V1 b) => new(a.v * b.v);
    public static V1 operator /(V1 a, V1 b) => new(a.v / b.v);
    public static V1 Fma(V1 a, V1 b, V1 c) => new(MathF.FusedMultiplyAdd(a.v, b.v, c.v));
    public static V1 Max(V1 a, V1 b) => new(MathF.Max(a.v, b.v));
    public static V1 Abs(V1 a) => new(MathF.Abs(a.v));
    public static V1 Exp(V1 a) => new(MathF.Exp(a.v));
    public static V1 Sqrt(V1 a) => new(MathF.Sqrt(a.v));
    public static V1 SelectLess(V1 a, V1 b, V1 t, V1 f) => a.v < b.v ? t : f;
    public static float Sum(V1 a) => a.v;
}

/// <summary>
/// A fused loop body over elements [i, end): processes whole vectors of the vector type <c>TV</c> from i,
/// advances i past them and returns its partial reduction (0 when the kernel reduces nothing).
/// </summary>
internal interface IVectorLoop
{
    float Run<TV>(ref int i, int end) where TV : struct, IFloatVector<TV>;
}

internal static class VectorLoop
{
    /// <summary>Runs <paramref name="loop"/> over [start, end) with the widest accelerated vectors, then 256-bit, then scalar tails.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Run<TLoop>(ref TLoop loop, int start, int end) where TLoop : struct, IVectorLoop
    {
        int i = start;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && end - i >= 16) sum += loop.Run<V512>(ref i, end);
        if (Vector256.IsHardwareAccelerated && end - i >= 8) sum += loop.Run<V256>(ref i, end);
        sum += loop.Run<V1>(ref i, end);
        return sum;
    }
}

/// <summary>Vector versions of the <see cref="KernelMath"/> functions, same formulas.</summary>
internal static class VectorMath
{
    /// <summary>tanh(u) = 1 - 2 / (exp(2u) + 1): saturates correctly at +-inf; absolute error ~1e-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV u) where TV : struct, IFloatVector<TV>
    {
        var one = TV.Broadcast(1f);
        return one - TV.Broadcast(2f) / (TV.Exp(u + u) + one);
    }

    /// <summary>
    /// tanh(u) and sech^2(u) = 1 - tanh^2(u) from q = 2 / (exp(2|u|) + 1) = 1 - tanh|u|: sech^2 = q (2 - q) keeps
    /// its relative accuracy where tanh is near +-1, which 1 - t*t does not (it loses all digits of a small result).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV TanhAndSech2<TV>(TV u, out TV sech2) where TV : struct, IFloatVector<TV>
    {
        var a = TV.Abs(u);
        var two = TV.Broadcast(2f);
        var q = two / (TV.Exp(a + a) + TV.Broadcast(1f));
        sech2 = q * (two - q);
        var t = TV.Broadcast(1f) - q;
        return TV.SelectLess(u, TV.Broadcast(0f), TV.Broadcast(0f) - t, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x) where TV : struct, IFloatVector<TV>
    {
        var one = TV.Broadcast(1f);
        return one / (one + TV.Exp(TV.Broadcast(0f) - x));
    }

    /// <summary>The two branches of <see cref="KernelMath.Erf"/> evaluated on every lane and selected.</summary>
    public static TV Erf<TV>(TV x) where TV : struct, IFloatVector<TV>
    {
        var z = TV.Abs(x);
        var x2 = x * x;
        var p = TV.Broadcast(-1f / 918086400f);
        p = TV.Fma(p, x2, TV.Broadcast(1f / 76204800f));
        p = TV.Fma(p, x2, TV.Broadcast(-1f / 6894720f));
        p = TV.Fma(p, x2, TV.Broadcast(1f / 685440f));
        p = TV.Fma(p, x2, TV.Broadcast(-1f / 75600f));
        p = TV.Fma(p, x2, TV.Broadcast(1f / 9360f));
        p = TV.Fma(p, x2, TV.Broadcast(-1f / 1320f));
        p = TV.Fma(p, x2, TV.Broadcast(1f / 216f));
        p = TV.Fma(p, x2, TV.Broadcast(-1f / 42f));
        p = TV.Fma(p, x2, TV.Broadcast(1f / 10f));
        p = TV.Fma(p, x2, TV.Broadcast(-1f / 3f));
        p = TV.Fma(p, x2, TV.Broadcast(1f));
        var taylor = TV.Broadcast(1.12837916709551257f) * x * p;

        var one = TV.Broadcast(1f);
        var t = one / TV.Fma(TV.Broadcast(0.5f), z, one);
        var q = TV.Broadcast(0.17087277f);
        q = TV.Fma(q, t, TV.Broadcast(-0.82215223f));
        q = TV.Fma(q, t, TV.Broadcast(1.48851587f));
        q = TV.Fma(q, t, TV.Broadcast(-1.13520398f));
        q = TV.Fma(q, t, TV.Broadcast(0.27886807f));
        q = TV.Fma(q, t, TV.Broadcast(-0.18628806f));
        q = TV.Fma(q, t, TV.Broadcast(0.09678418f));
        q = TV.Fma(q, t, TV.Broadcast(0.37409196f));
        q = TV.Fma(q, t, TV.Broadcast(1.00002368f));
        q = TV.Fma(q, t, TV.Broadcast(-1.26551223f));
        var erfc = t * TV.Exp(q - z * z);
        var tail = one - erfc;                                   // erf(|x|)
        tail = TV.SelectLess(x, TV.Broadcast(0f), TV.Broadcast(0f) - tail, tail);
        return TV.SelectLess(z, TV.Broadcast(0.85f), taylor, tail);
    }
}
