namespace Cake.MultiArch.VerifyManifest;

/// <summary>How much a deep finding weighs.</summary>
public enum DeepFindingSeverity
{
    /// <summary>The image fails.</summary>
    Error,

    /// <summary>Reported in the log and the report; the image passes.</summary>
    Warning,
}

/// <summary>One thing a deep check found in one platform's image.</summary>
/// <param name="Check">The check's id (<see cref="DeepCheck"/>).</param>
/// <param name="Severity">Whether it fails the image.</param>
/// <param name="File">The file in the image it is about.</param>
/// <param name="LayerDigest">The layer that wrote that file, when it is in the image.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
public sealed record DeepFinding(string Check, DeepFindingSeverity Severity, string File, string? LayerDigest, string Message, string Fix)
{
    /// <summary>Formats the finding as one line, as the problem list and the log show it.</summary>
    /// <returns>Such as <c>entrypoint: /app/run.sh is a script for '/bin/bash', which does not exist (layer sha256:…). Fix: …</c>.</returns>
    public override string ToString() =>
        $"{Check}: {Message}{(string.IsNullOrEmpty(LayerDigest) ? string.Empty : $" (layer {Short(LayerDigest)})")}. Fix: {Fix}";

    /// <summary>Shortens a digest to its algorithm and first 12 hex digits.</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>Such as <c>sha256:0123456789ab</c>.</returns>
    internal static string Short(string digest) => digest.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && digest.Length > colon + 13 ? digest[..(colon + 13)] : digest;
}

/// <summary>How a platform's entry point resolved in its merged image.</summary>
/// <param name="Command">The command as configured: <c>Entrypoint</c> then <c>Cmd</c> (empty when neither is set).</param>
/// <param name="Program">The file the first word resolved to, or <see langword="null"/> when it does not resolve.</param>
/// <param name="Links">The symlinks followed on the way, as <c>link -> target</c>.</param>
/// <param name="Kind">What that file is, such as <c>ELF arm64, dynamic</c>, <c>ELF arm64, static</c> or <c>script</c>.</param>
/// <param name="Interpreter">Its loader (<c>PT_INTERP</c>) or <c>#!</c> interpreter, when it has one.</param>
/// <param name="ShellProgram">For the shell form (<c>/bin/sh -c "…"</c>), the file the command's first word resolved to, when it can be told.</param>
public sealed record EntrypointResolution(IReadOnlyList<string> Command, string? Program, IReadOnlyList<string> Links, string? Kind, string? Interpreter, string? ShellProgram)
{
    /// <summary>Formats the resolution for the log.</summary>
    /// <returns>Such as <c>["/app/hello"] → /app/hello (ELF arm64, dynamic; /lib/ld-linux-aarch64.so.1)</c>.</returns>
    public override string ToString()
    {
        if (Command.Count == 0)
        {
            return "none (no Entrypoint or Cmd)";
        }

        var command = "[" + string.Join(", ", Command.Select(c => "\"" + c + "\"")) + "]";
        if (Program is null)
        {
            return command + " → not found";
        }

        var details = string.Join("; ", new[] { Kind, Interpreter }.Where(d => !string.IsNullOrEmpty(d)));
        return $"{command} → {Program}{(details.Length > 0 ? $" ({details})" : string.Empty)}{(ShellProgram is null ? string.Empty : $", runs {ShellProgram}")}";
    }
}
