namespace NativeDsp.Engine;

/// <summary>
/// The one error every op throws when its operands' shapes do not fit, naming the op and both shapes:
/// "matmul: shapes [2, 3] and [4, 5] do not match (inner dims 3 vs 4)".
/// </summary>
public sealed class ShapeException(string op, Shape first, Shape second, string detail)
    : ArgumentException($"{op}: shapes {first} and {second} do not match ({detail})")
{
    /// <summary>The op (or place) that refused the shapes.</summary>
    public string Op { get; } = op;
    /// <summary>The first operand's shape.</summary>
    public Shape First { get; } = first;
    /// <summary>The second operand's shape.</summary>
    public Shape Second { get; } = second;
}
