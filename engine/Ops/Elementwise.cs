using NativeDsp.Kernels;

namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>y = a + b element-wise, with broadcasting (see <see cref="Binary"/>); y has the larger operand's shape.</summary>
    /// <exception cref="ShapeException">b neither has a's shape nor broadcasts over it (nor, for add, mul and sub, a over b).</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, "add", a, b);
    /// <summary>y = a - b element-wise, with broadcasting; y has the larger operand's shape.</summary>
    /// <exception cref="ShapeException">b neither has a's shape nor broadcasts over it (nor, for add, mul and sub, a over b).</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryOp.Sub, "sub", a, b);
    /// <summary>y = a * b element-wise (Hadamard), with broadcasting; y has the larger operand's shape.</summary>
    /// <exception cref="ShapeException">b neither has a's shape nor broadcasts over it (nor, for add, mul and sub, a over b).</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryOp.Mul, "mul", a, b);
    /// <summary>y = a / b element-wise; b must have a's shape or broadcast over it; y has a's shape.</summary>
    /// <exception cref="ShapeException">b neither has a's shape nor broadcasts over it.</exception>
    /// <exception cref="ArgumentException">The operands are on different devices.</exception>
    public static Tensor Div(Tensor a, Tensor b) => Binary(BinaryOp.Div, "div", a, b);

    /// <summary>
    /// y = a op b element-wise, where b has a's shape or broadcasts over it (see <see cref="Broadcast"/>).
    /// For add and mul either operand may be the smaller; sub with a smaller first operand becomes
    /// (-b) + a; div needs the divisor to be the smaller.
    /// </summary>
    static Tensor Binary(BinaryOp kind, string op, Tensor a, Tensor b)
    {
        SameDevice(op, a, b);
        if (Broadcast.TryResolve(a.Shape, b.Shape) is { } bc) return BinaryForward(kind, op, a, b, bc);
        if (Broadcast.TryResolve(b.Shape, a.Shape) is { } swapped)
        {
            if (kind is BinaryOp.Add or BinaryOp.Mul) return BinaryForward(kind, op, b, a, swapped);
            if (kind is BinaryOp.Sub) return BinaryForward(BinaryOp.Add, op, Scale(b, -1f), a, swapped);
        }
        throw new ShapeException(op, a.Shape, b.Shape,
            "the second must equal the first or broadcast over it: a contiguous block of its trailing-aligned dims, 1 elsewhere");
    }

    static Tensor BinaryForward(BinaryOp kind, string op, Tensor a, Tensor b, Broadcast bc)
    {
        int n = a.Count, p = bc.Period, inner = bc.Inner;
        bool sameShape = p == n;
        var y = NewOutput(a, a.Shape);
        var k = K(a);
        k.Binary(kind, a.Buffer, b.Buffer, y.Buffer, n, p, inner);

        a.Device.Tape.Record(op, y, [a, b], () =>
        {
            var dy = Dy(y);
            if (a.RequiresGrad)
            {
                if (kind is BinaryOp.Add or BinaryOp.Sub) k.Axpy(1f, dy, G(a), n);
                else
                {
                    // d(a*b)/da = b, d(a/b)/da = 1/b: the same broadcast applied to dy.
                    using var s = Scratch(a, n);
                    k.Binary(kind, dy, b.Buffer, s, n, p, inner);
                    k.Axpy(1f, s, G(a), n);
                }
            }
            if (b.RequiresGrad)
            {
                switch (kind)
                {
                    case BinaryOp.Add:
                        k.ReduceBroadcast(dy, null, G(b), n, p, inner, accumulate: true);
                        break;
                    case BinaryOp.Sub:
                        if (sameShape) k.Axpy(-1f, dy, G(b), n);
                        else
                        {
                            using var s = Scratch(b, p);
                            k.ReduceBroadcast(dy, null, s, n, p, inner, accumulate: false);
                            k.Axpy(-1f, s, G(b), p);
                        }
                        break;
                    case BinaryOp.Mul:
                        k.ReduceBroadcast(dy, a.Buffer, G(b), n, p, inner, accumulate: true);
                        break;
                    case BinaryOp.Div:
                        {
                            // d(a/b)/db = -a/b^2 = -y/b, summed over the broadcast.
                            using var yOverB = Scratch(a, n);
                            k.Binary(BinaryOp.Div, y.Buffer, b.Buffer, yOverB, n, p, inner);
                            using var s = Scratch(b, p);
                            k.ReduceBroadcast(dy, yOverB, s, n, p, inner, accumulate: false);
                            k.Axpy(-1f, s, G(b), p);
                        }
                        break;
                }
            }
        });
        return y;
    }

    /// <summary>y = alpha * x + beta.</summary>
    public static Tensor Affine(Tensor x, float alpha, float beta)
    {
        var y = NewOutput(x, x.Shape);
        K(x).ScaleShift(x.Buffer, y.Buffer, x.Count, alpha, beta);
        x.Device.Tape.Record("affine", y, [x], () => K(x).Axpy(alpha, Dy(y), G(x), x.Count));
        return y;
    }

    /// <summary>y = alpha * x, x's shape.</summary>
    public static Tensor Scale(Tensor x, float alpha) => Affine(x, alpha, 0f);
    /// <summary>y = x + c, x's shape.</summary>
    public static Tensor AddScalar(Tensor x, float c) => Affine(x, 1f, c);
}
