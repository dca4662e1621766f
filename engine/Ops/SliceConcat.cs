namespace NativeDsp.Engine;

public static partial class Ops
{
    /// <summary>
    /// Elements [start, start + length) along <paramref name="axis"/> (negative counts from the end), e.g.
    /// the Q, K and V parts of a fused projection along the last axis. In row-major memory that is a block
    /// of <c>outer</c> rows with a stride, one Copy2D each way.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is out of range, or [start, start + length) is outside it.</exception>
    public static Tensor Slice(Tensor x, int axis, int start, int length)
    {
        int a = x.Shape.Axis(axis), size = x.Shape[a];
        if (start < 0 || length < 0 || start + length > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice: [{start}, {start + length}) is outside axis {a} of size {size} of shape {x.Shape}");
        int outer = x.Shape.Product(0, a), inner = x.Shape.Product(a + 1, x.Shape.Rank);
        var y = NewOutput(x, x.Shape.With(a, length));
        K(x).Copy2D(x.Buffer, start * inner, size * inner, y.Buffer, 0, length * inner, outer, length * inner, accumulate: false);
        x.Device.Tape.Record("slice", y, [x], () =>
            K(x).Copy2D(Dy(y), 0, length * inner, G(x), start * inner, size * inner, outer, length * inner, accumulate: true));
        return y;
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree.</summary>
    /// <exception cref="ArgumentException">No parts, or a part on another device.</exception>
    /// <exception cref="ShapeException">The parts differ in a dimension other than <paramref name="axis"/>.</exception>
    public static Tensor Concat(int axis, params Tensor[] parts)
    {
        const string op = "concat";
        if (parts.Length == 0) throw new ArgumentException($"{op}: needs at least one tensor");
        var first = parts[0];
        int a = first.Shape.Axis(axis), total = 0;
        foreach (var p in parts)
        {
            SameDevice(op, first, p);
            if (p.Shape.Rank != first.Shape.Rank || p.Shape.With(a, 0) != first.Shape.With(a, 0))
                throw new ShapeException(op, first.Shape, p.Shape, $"all dimensions but axis {a} must agree");
            total += p.Shape[a];
        }
        int outer = first.Shape.Product(0, a), inner = first.Shape.Product(a + 1, first.Shape.Rank);
        var y = NewOutput(first, first.Shape.With(a, total));
        var k = K(first);
        int offset = 0;
        var offsets = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            int len = parts[i].Shape[a];
            offsets[i] = offset;
            k.Copy2D(parts[i].Buffer, 0, len * inner, y.Buffer, offset * inner, total * inner, outer, len * inner, accumulate: false);
            offset += len;
        }
        first.Device.Tape.Record(op, y, [.. parts], () =>
        {
            for (int i = 0; i < parts.Length; i++)
            {
                if (!parts[i].RequiresGrad) continue;
                int len = parts[i].Shape[a];
                k.Copy2D(Dy(y), offsets[i] * inner, total * inner, G(parts[i]), 0, len * inner, outer, len * inner, accumulate: true);
            }
        });
        return y;
    }
}
