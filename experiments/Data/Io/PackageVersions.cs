using System.Diagnostics;

namespace NativeDsp.Experiments.Data.Io;

/// <summary>Asks dpkg which version of a Debian package is installed, for the PROVENANCE files.</summary>
public static class PackageVersions
{
    /// <summary>The installed version, or "not installed / unknown" when dpkg cannot say (e.g. sources passed by --sword DIR).</summary>
    public static string Debian(string package)
    {
        try
        {
            var psi = new ProcessStartInfo("dpkg-query", ["-W", "-f=${Version}", package])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi);
            if (p is null) return "unknown";
            string version = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && version.Length > 0 ? version : "not installed (unknown)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no dpkg-query)";
        }
    }
}
