using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifySignature;

/// <summary>One manifest whose signature verified.</summary>
/// <param name="Platform">The platform, or <see langword="null"/> for the index (or a single manifest).</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="Signatures">How many signatures cosign verified for it.</param>
public sealed record VerifiedSignature(Platform? Platform, string Digest, int Signatures)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Platform is { } p ? p.ToString() : "index")} {Digest}: {Signatures} signature(s) verified";
}

/// <summary>The result of <c>VerifySignature</c>: every manifest checked verified (a failure throws, naming the platform).</summary>
/// <param name="Image">The image (repository@digest).</param>
/// <param name="Digest">Its digest.</param>
/// <param name="Manifests">The index first, then each platform manifest (recursive).</param>
public sealed record VerifySignatureResult(string Image, string Digest, IReadOnlyList<VerifiedSignature> Manifests)
{
    /// <inheritdoc />
    public override string ToString() => $"{Image}: verified {string.Join(", ", Manifests.Select(m => m.Platform is { } p ? p.ToString() : "index"))}";
}
