using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.MergeImages;

/// <summary>The result of <c>MergeImages</c>.</summary>
/// <param name="Image">The pushed index, <c>registry/repository@sha256:…</c>.</param>
/// <param name="Digest">The index's digest.</param>
/// <param name="Platforms">Each platform's manifest and attestation digests, in the index's order.</param>
/// <param name="Verification">The verification report, or <see langword="null"/> when <c>Verify</c> was off.</param>
/// <param name="Promotion">The tags' old → new, or <see langword="null"/> when no tag was given.</param>
public sealed record MergeImagesResult(
    string Image,
    string Digest,
    IReadOnlyList<PushedPlatform> Platforms,
    VerifyManifestResult? Verification,
    PromoteImageResult? Promotion)
{
    /// <inheritdoc />
    public override string ToString() => $"{Image} ({string.Join(", ", Platforms.Select(p => p.Platform))})";
}
