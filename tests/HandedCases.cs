using System.Globalization;
using System.Text;

namespace NativeDsp.Tests;

/// <summary>
/// The owners' handed bug cases (tests/Cases/NAME, copied from their cases folder with its README): inputs and
/// the reference implementations' expected values, copied next to the test binaries.
/// </summary>
public static class HandedCases
{
    /// <summary>The folder of case <paramref name="name"/> (e.g. "bert-symbols").</summary>
    public static string Dir(string name)
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Cases", name);
        Assert.True(Directory.Exists(dir), $"handed case folder missing from the test output: {dir}");
        return dir;
    }

    /// <summary>
    /// Decodes the Python-style escapes the case files use where a raw character cannot live in a line
    /// (<c>\r \t \n \\ \xHH \uHHHH \UHHHHHHHH</c>); every other character is itself.
    /// </summary>
    public static string DecodePythonEscapes(string line)
    {
        var sb = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] != '\\' || i + 1 == line.Length) { sb.Append(line[i]); continue; }
            char k = line[++i];
            switch (k)
            {
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case '\\': sb.Append('\\'); break;
                case 'x': sb.Append((char)int.Parse(line.AsSpan(i + 1, 2), NumberStyles.HexNumber)); i += 2; break;
                case 'u': sb.Append((char)int.Parse(line.AsSpan(i + 1, 4), NumberStyles.HexNumber)); i += 4; break;
                case 'U': sb.Append(char.ConvertFromUtf32(int.Parse(line.AsSpan(i + 1, 8), NumberStyles.HexNumber))); i += 8; break;
                default: sb.Append('\\').Append(k); break;
            }
        }
        return sb.ToString();
    }
}
