namespace NativeDsp.Engine;

/// <summary>
/// The immutable dimensions of a dense row-major tensor. Rank 0 ([]) is a scalar with one element.
/// Value equality, so shapes can be compared and used as keys; <c>ToString()</c> gives "[2, 3, 4]",
/// the form every shape error message uses. Deliberately not enumerable: <see cref="Count"/> is the
/// element count, which a collection expression spreading a shape would mistake for its length; use
/// <see cref="ToArray"/>.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    readonly int[] dims;

    /// <summary>A shape with the given dimensions (copied).</summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the element count exceeds int.MaxValue.</exception>
    public Shape(params int[] dims)
    {
        foreach (int d in dims)
            if (d < 0) throw new ArgumentException($"shape [{string.Join(", ", dims)}] has a negative dimension");
        this.dims = (int[])dims.Clone();
        long count = 1;
        foreach (int d in dims)
        {
            count *= d;
            // Buffers are indexed with int, so a tensor larger than that cannot exist.
            if (count > int.MaxValue) throw new ArgumentException($"shape [{string.Join(", ", dims)}] has more than {int.MaxValue} elements");
        }
        Count = (int)count;
    }

    /// <summary>The rank-0 shape [] (one element).</summary>
    public static Shape Scalar { get; } = new();

    /// <summary>The number of dimensions.</summary>
    public int Rank => dims.Length;

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public int Count { get; }

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end (-1 is the last).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside [-Rank, Rank).</exception>
    public int this[int axis] => dims[Axis(axis)];

    /// <summary>The last dimension (the "columns" of the row-wise ops); 1 for a scalar.</summary>
    public int Last => dims.Length == 0 ? 1 : dims[^1];

    /// <summary>The product of every dimension but the last (the "rows" of the row-wise ops).</summary>
    public int Rows => Last == 0 ? 0 : Count / Last;

    /// <summary>Normalises a possibly negative axis, with an error naming the shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is outside [-Rank, Rank).</exception>
    public int Axis(int axis)
    {
        int a = axis < 0 ? axis + dims.Length : axis;
        if (a < 0 || a >= dims.Length) throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is out of range for shape {this}");
        return a;
    }

    /// <summary>The product of dimensions [from, to).</summary>
    public int Product(int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= dims[i];
        return p;
    }

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])dims.Clone();

    /// <summary>This shape with dimension <paramref name="axis"/> replaced by <paramref name="size"/>.</summary>
    public Shape With(int axis, int size)
    {
        var d = ToArray();
        d[Axis(axis)] = size;
        return new Shape(d);
    }

    /// <summary>This shape without its last dimension.</summary>
    public Shape DropLast() => new(dims[..^1]);

    /// <summary>
    /// Resolves a requested reshape target where one dimension may be -1 (inferred), checking that the
    /// element count is kept; the error names both shapes.
    /// </summary>
    public Shape Reshaped(int[] target)
    {
        int infer = -1, known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"reshape: {this} to [{string.Join(", ", target)}] has more than one -1");
                infer = i;
            }
            else known *= target[i];
        }
        var d = (int[])target.Clone();
        if (infer >= 0)
        {
            if (known == 0 || Count % known != 0)
                throw new ShapeException("reshape", this, new Shape(target.Select(t => Math.Max(t, 0)).ToArray()), $"{Count} elements cannot fill [{string.Join(", ", target)}]");
            d[infer] = Count / known;
        }
        var result = new Shape(d);
        if (result.Count != Count) throw new ShapeException("reshape", this, result, $"element counts {Count} vs {result.Count}");
        return result;
    }

    /// <summary>True when both have the same dimensions.</summary>
    public bool Equals(Shape? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    /// <summary>True for a <see cref="Shape"/> with the same dimensions.</summary>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <summary>A hash of the dimensions.</summary>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>Value equality (two nulls are equal).</summary>
    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Value inequality.</summary>
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    /// <summary>The shape with dimensions <paramref name="dims"/>.</summary>
    /// <exception cref="ArgumentException">As the constructor.</exception>
    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>"[d0, d1, ...]", the form every shape error uses.</summary>
    public override string ToString() => $"[{string.Join(", ", dims)}]";
}
