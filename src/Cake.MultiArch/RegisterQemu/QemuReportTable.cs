using System.Text;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>RegisterQemu's report as a table (what the doctor, <c>CheckOnly</c>, prints).</summary>
internal static class QemuReportTable
{
    /// <summary>Formats the report.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="kernel">The kernel release, when read.</param>
    /// <param name="table">The binfmt_misc table, or <see langword="null"/> when not mounted.</param>
    /// <param name="lines">The per-platform lines.</param>
    /// <param name="warnings">The warnings.</param>
    /// <returns>The table, lines separated by <c>\n</c>.</returns>
    public static string Format(RegisterQemuSettings settings, string? kernel, BinfmtTable? table, IReadOnlyList<QemuPlatformStatus> lines, IReadOnlyList<string> warnings)
    {
        var text = new StringBuilder();
        text.Append("kernel ").Append(kernel ?? "unknown").Append("; binfmt_misc at ").Append(settings.BinfmtMiscPath).Append(": ")
            .Append(table is null ? "not mounted" : table.Enabled ? "mounted, enabled" : "mounted, disabled")
            .Append(table is null ? string.Empty : $"; entries: {string.Join(", ", table.Entries.Keys.Order(StringComparer.Ordinal))}")
            .Append('\n');
        text.Append($"{"PLATFORM",-14} {"STATE",-17} {"ENTRY",-16} {"FLAGS",-5} {"INTERPRETER",-44} {"QEMU",-8} SELF-TEST").Append('\n');
        foreach (var line in lines)
        {
            var test = line.SelfTest;
            var version = test?.QemuVersion is { } v ? QemuKnownBad.ParseVersionLine(v)?.Version.ToString() ?? "?" : "-";
            var verdict = test is null ? "not run"
                : !test.Passed ? "FAILED"
                : !test.Emulated ? "passed (native)"
                : test.FixBinaryChecked ? "passed (F proven)" : "passed (F not proven: not root)";
            if (test?.ImagePassed is { } image)
            {
                verdict += image ? ", image ran" : ", image FAILED";
            }

            text.Append($"{line.Platform,-14} {line.State,-17} {line.EntryName ?? "-",-16} {line.Flags ?? "-",-5} {line.Interpreter ?? "-",-44} {version,-8} {verdict}").Append('\n');
        }

        foreach (var line in lines.Where(l => l.SelfTest is { Passed: false }))
        {
            text.Append($"{line.Platform}: {line.SelfTest!.Reason} Fix: {line.SelfTest.Fix}").Append('\n');
        }

        text.Append(warnings.Count == 0 ? "no warnings" : $"{warnings.Count} warning(s) below");
        return text.ToString();
    }
}
