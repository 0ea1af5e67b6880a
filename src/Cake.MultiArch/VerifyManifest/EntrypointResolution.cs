namespace Cake.MultiArch.VerifyManifest;

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
