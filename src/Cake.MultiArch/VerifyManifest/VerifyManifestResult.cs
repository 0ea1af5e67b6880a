using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>The result of VerifyManifest.</summary>
/// <param name="Image">The reference that was checked.</param>
/// <param name="Digest">The digest it resolved to.</param>
/// <param name="MediaType">The media type of what it resolved to.</param>
/// <param name="Platforms">A line per expected (and, in strict mode, unexpected) platform.</param>
/// <param name="AttestationManifests">How many attestation manifests the index holds (skipped as platforms).</param>
/// <param name="Problems">Every problem found; empty when the image passed.</param>
public sealed record VerifyManifestResult(
    string Image,
    string Digest,
    string MediaType,
    IReadOnlyList<PlatformCheck> Platforms,
    int AttestationManifests,
    IReadOnlyList<string> Problems)
{
    /// <summary>Gets a value indicating whether every check passed.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>Gets the platforms the image had to serve.</summary>
    public IReadOnlyList<Platform> ExpectedPlatforms { get; init; } = [];

    /// <summary>Gets where <see cref="ExpectedPlatforms"/> came from: <c>ExpectedPlatforms</c> (the settings), the build's requested platforms, the build's metadata, or the platforms the registry serves.</summary>
    public string ExpectedPlatformsSource { get; init; } = "ExpectedPlatforms";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Image}{(Digest.Length > 0 ? " → " + Digest : string.Empty)}: {(Passed ? "passed" : $"{Problems.Count} problem{(Problems.Count == 1 ? string.Empty : "s")}")} ({string.Join(", ", Platforms.Select(p => $"{p.Platform} {p.Status}"))})";
}
