using System.Globalization;
using System.Text.RegularExpressions;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>A semantic version (semver.org 2.0) read from a git tag, with an optional leading <c>v</c>.</summary>
/// <param name="Major">The major version.</param>
/// <param name="Minor">The minor version.</param>
/// <param name="Patch">The patch version.</param>
/// <param name="PreRelease">The pre-release part after <c>-</c>, or <see langword="null"/>.</param>
internal sealed partial record SemanticVersion(long Major, long Minor, long Patch, string? PreRelease)
{
    /// <summary>Gets the version without <c>v</c> and build metadata: <c>1.2.3</c> or <c>1.2.3-rc.1</c>.</summary>
    public string Version => $"{Major}.{Minor}.{Patch}" + (PreRelease is null ? string.Empty : "-" + PreRelease);

    public static SemanticVersion? TryParse(string text)
    {
        var match = Pattern().Match(text.Trim());
        return match.Success
            ? new SemanticVersion(
                long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture),
                match.Groups[4].Success ? match.Groups[4].Value : null)
            : null;
    }

    [GeneratedRegex(@"^[vV=]?(0|[1-9]\d{0,17})\.(0|[1-9]\d{0,17})\.(0|[1-9]\d{0,17})(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex Pattern();
}
