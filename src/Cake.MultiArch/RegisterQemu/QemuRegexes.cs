using System.Text.RegularExpressions;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>The regular expressions of QEMU's version lines.</summary>
internal static partial class QemuRegexes
{
    /// <summary>QEMU's <c>--version</c> line: <c>qemu-aarch64 version 7.2.22 (Debian …)</c>.</summary>
    /// <returns>The expression.</returns>
    [GeneratedRegex(@"qemu-\S+ version (?<v>\d+\.\d+\.\d+)[^\r\n]*")]
    public static partial Regex VersionLine();

    /// <summary>An installer's version line: <c>binfmt/abc qemu/v10.2.3 go/1.24</c>.</summary>
    /// <returns>The expression.</returns>
    [GeneratedRegex(@"\bqemu/v?(?<v>\d+\.\d+\.\d+)")]
    public static partial Regex InstallerLine();
}
