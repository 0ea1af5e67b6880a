using System.Text.RegularExpressions;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>
/// One BuildKit vertex as the progress reported it so far: a rawjson vertex (by digest) or a
/// plain-progress step (by its <c>#N</c>).
/// </summary>
internal sealed partial class BuildStep(string id, int number)
{
    /// <summary>Gets the vertex digest (rawjson) or step number (plain).</summary>
    public string Id { get; } = id;

    /// <summary>Gets the step's <c>#N</c>, in order of first appearance.</summary>
    public int Number { get; } = number;

    /// <summary>Gets or sets the name BuildKit gave the step.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the digests of the vertices this one reads (rawjson only).</summary>
    public IReadOnlyList<string> Inputs { get; set; } = [];

    /// <summary>Gets or sets when the step last started (rawjson only).</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>Gets or sets when the step completed (rawjson only).</summary>
    public DateTimeOffset? Completed { get; set; }

    /// <summary>Gets or sets the duration plain progress printed with DONE or ERROR.</summary>
    public TimeSpan? PrintedDuration { get; set; }

    /// <summary>Gets or sets a value indicating whether the step came from the cache.</summary>
    public bool Cached { get; set; }

    /// <summary>Gets or sets the step's error.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets a value indicating whether the step finished (DONE, CACHED or ERROR).</summary>
    public bool Finished { get; set; }

    /// <summary>Gets how long the step ran, when known.</summary>
    public TimeSpan? Duration => PrintedDuration ?? (Started is { } s && Completed is { } c ? c - s : null);

    /// <summary>Gets the platform the step's own name carries (<c>[linux/arm64 1/2] COPY …</c>), or <see langword="null"/>.</summary>
    public Platform? NamedPlatform => ParseName(Name) is { Platform: { } p } ? (Platform?)p : null;

    /// <summary>Gets a value indicating whether the step is a Dockerfile step (not <c>[internal]</c> work or the export).</summary>
    public bool IsDockerfileStep => ParseName(Name) is { } parts && parts.Label is not ("internal" or "auth");

    /// <summary>Gets a value indicating whether the step runs a process (a <c>RUN</c> instruction).</summary>
    public bool IsRun => ParseName(Name) is { } parts && parts.Instruction.StartsWith("RUN ", StringComparison.Ordinal);

    /// <summary>Names the step with its platform when BuildKit left it out (<c>[2/2] RUN …</c> → <c>[linux/arm64 2/2] RUN …</c>).</summary>
    /// <param name="platform">The platform the step belongs to, or <see langword="null"/>.</param>
    /// <returns>The name.</returns>
    public string NameWith(Platform? platform) =>
        platform is { } p && ParseName(Name) is { Platform: null } parts && parts.Label is not ("internal" or "auth")
            ? $"[{p} {parts.Label}] {parts.Instruction}"
            : Name;

    private static (string Label, Platform? Platform, string Instruction)? ParseName(string name)
    {
        var match = NamePattern().Match(name);
        if (!match.Success)
        {
            return null;
        }

        var label = match.Groups["label"].Value;
        var first = label.Split(' ', 2)[0];
        Platform? platform = first.Length < label.Length && first.Contains('/', StringComparison.Ordinal) && !StepCounterPattern().IsMatch(first) && Platform.TryParse(first, out var parsed)
            ? parsed
            : (Platform?)null;
        return (label, platform, match.Groups["instruction"].Value);
    }

    [GeneratedRegex(@"^\[(?<label>[^\]]+)\] (?<instruction>.*)$", RegexOptions.Singleline)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\d+/\d+$")]
    private static partial Regex StepCounterPattern();
}
