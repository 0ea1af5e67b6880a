using System.Text.RegularExpressions;
using Cake.Core;

namespace Cake.MultiArch.BuildxVersion;

/// <summary>The buildx plugin's version, from <c>docker buildx version</c>, for feature checks.</summary>
/// <param name="Version">The numeric version (0.10.5).</param>
/// <param name="Text">The version as printed (v0.12.1-desktop.4).</param>
/// <param name="Commit">The commit, or <see langword="null"/>.</param>
public sealed partial record BuildxVersionResult(Version Version, string Text, string? Commit)
{
    /// <summary>Gets a value indicating whether <c>buildx create</c> names the BuildKit config flag <c>--buildkitd-config</c> (0.13+) rather than <c>--config</c>.</summary>
    public bool HasBuildkitdConfigFlag => Version >= new Version(0, 13, 0);

    /// <summary>Parses <c>docker buildx version</c> output such as <c>github.com/docker/buildx v0.10.5 86bdced…</c>.</summary>
    /// <param name="text">The output.</param>
    /// <returns>The version.</returns>
    /// <exception cref="CakeException">No version is in the text.</exception>
    internal static BuildxVersionResult Parse(string text)
    {
        var match = VersionPattern().Match(text ?? string.Empty);
        if (!match.Success)
        {
            throw new CakeException($"BuildxVersion: could not read a version from 'docker buildx version' output '{text?.Trim()}'; expected 'github.com/docker/buildx vX.Y.Z COMMIT'. Is the buildx plugin installed?");
        }

        var version = new Version(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture));
        return new BuildxVersionResult(version, match.Groups[1].Value, match.Groups[5].Success ? match.Groups[5].Value : null);
    }

    [GeneratedRegex(@"(v?(\d+)\.(\d+)\.(\d+)\S*)(?:\s+([0-9a-f]{7,40}))?")]
    private static partial Regex VersionPattern();
}
