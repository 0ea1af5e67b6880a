namespace Cake.MultiArch.Publishing;

/// <summary>A result pushed by digest (no tag), with each platform's manifest and attestation digests read back from the registry.</summary>
/// <param name="Image">The image pinned by digest, <c>registry/repository@sha256:…</c>.</param>
/// <param name="Digest">Its digest (an index, or a single manifest).</param>
/// <param name="Platforms">Each platform's manifest and attestation digests.</param>
public sealed record PushedImage(string Image, string Digest, IReadOnlyList<PushedPlatform> Platforms)
{
    /// <inheritdoc />
    public override string ToString() => $"{Image} ({string.Join(", ", Platforms.Select(p => p.Platform))})";
}
