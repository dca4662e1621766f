using System.Globalization;
using System.Numerics;
using System.Text;

namespace NativeDsp.Experiments.Text;

/// <summary>
/// Python's fixed-point float formatting (<c>f"{x:.Nf}"</c>, <c>format(x, ".Nf")</c>), so that printed scores
/// are the reference tool's characters.
/// </summary>
/// <remarks>
/// CPython formats the exact binary value of the double, correctly rounded to N decimals, with ties (values
/// exactly halfway, such as 0.125 or 2.5) to even: f"{0.125:.2f}" is "0.12", f"{2.5:.0f}" is "2". .NET's
/// "F2"/"0.00" round such exact ties away from zero ("0.13"), so the decimal expansion is done here exactly,
/// with big integers. Negative values keep their sign even when they round to zero ("-0.00"), as Python does.
/// </remarks>
public static class PythonFormat
{
    /// <summary><c>f"{value:.{digits}f}"</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="digits"/> is negative.</exception>
    public static string Fixed(double value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        bool negative = double.IsNegative(value);
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(value));
        int exponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        // value = mantissa * 2^power exactly.
        BigInteger mantissa = exponent == 0 ? fraction : fraction | (1L << 52);
        int power = exponent == 0 ? -1074 : exponent - 1075;
        BigInteger scaled = mantissa * BigInteger.Pow(10, digits);
        BigInteger units;
        if (power >= 0) units = scaled << power;
        else
        {
            BigInteger denominator = BigInteger.One << -power;
            units = BigInteger.DivRem(scaled, denominator, out BigInteger remainder);
            int half = (remainder * 2).CompareTo(denominator);
            if (half > 0 || half == 0 && !units.IsEven) units += 1;
        }
        string s = units.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        var sb = new StringBuilder(s.Length + 2);
        if (negative) sb.Append('-');
        sb.Append(s, 0, s.Length - digits);
        if (digits > 0) sb.Append('.').Append(s, s.Length - digits, digits);
        return sb.ToString();
    }
}
