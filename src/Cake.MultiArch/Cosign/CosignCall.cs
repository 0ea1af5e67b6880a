namespace Cake.MultiArch.Cosign;

/// <summary>One cosign call: its arguments, what it does (for messages), the environment it needs and the values that must never be shown.</summary>
/// <param name="Arguments">The arguments, in order (never a secret).</param>
/// <param name="Subject">What the call does, such as <c>cosign sign</c>.</param>
/// <param name="Environment">Extra environment variables (the key's password, the identity token, DOCKER_CONFIG).</param>
/// <param name="Secrets">The values to redact from every line cosign prints and every message.</param>
internal sealed record CosignCall(IReadOnlyList<string> Arguments, string Subject, IReadOnlyDictionary<string, string> Environment, IReadOnlyCollection<string> Secrets)
{
    /// <summary>Gets a value indicating whether a non-zero exit is returned to the caller instead of thrown.</summary>
    public bool AllowFailure { get; init; }
}

/// <summary>What one cosign call returned (lines already redacted).</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">The stdout lines.</param>
/// <param name="Errors">The stderr lines.</param>
internal sealed record CosignResult(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors)
{
    /// <summary>Gets cosign's own words about a failure: its <c>Error:</c> lines, else its last stderr lines.</summary>
    /// <param name="lines">How many of the last lines to keep when no line starts with <c>Error:</c>.</param>
    /// <returns>The lines, or a note that cosign printed nothing.</returns>
    public string Said(int lines = 10)
    {
        var text = Errors.Where(l => !string.IsNullOrWhiteSpace(l)).ToArray();
        var errors = text.Where(l => l.StartsWith("Error:", StringComparison.Ordinal)).ToArray();
        var kept = errors.Length > 0 ? errors : text.TakeLast(lines).ToArray();
        return kept.Length == 0 ? "cosign printed nothing on stderr." : "cosign said: " + string.Join(" | ", kept);
    }
}
