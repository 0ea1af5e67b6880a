using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.SignImage;

/// <summary>One manifest a signature now covers.</summary>
/// <param name="Platform">The platform, or <see langword="null"/> for the index (or a single manifest).</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="SignatureTag">Where cosign stored the signature in the image's repository: <c>sha256-&lt;hex&gt;.sig</c>.</param>
public sealed record SignedManifest(Platform? Platform, string Digest, string SignatureTag)
{
    /// <summary>Gets, for an attestation manifest (BuildKit's provenance or SBOM, which cosign's <c>--recursive</c> signs too), the platform it describes; <see langword="null"/> for the index and the platform manifests (and for an attestation manifest that names no platform of the index).</summary>
    public Platform? AttestationOf { get; init; }

    /// <summary>Gets whether this is an attestation manifest rather than the index or a platform's image.</summary>
    public bool IsAttestation { get; init; }

    /// <summary>Gets the name of the manifest: <c>index</c>, the platform, or <c>attestation of</c> the platform.</summary>
    public string Name => IsAttestation ? $"attestation of {(AttestationOf is { } a ? a.ToString() : "an unknown platform")}" : Platform is { } p ? p.ToString() : "index";

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Digest} -> {SignatureTag}";
}

/// <summary>The result of <c>SignImage</c>.</summary>
/// <param name="Image">The signed image (repository@digest).</param>
/// <param name="Digest">The signed digest.</param>
/// <param name="Manifests">The index first, then each platform manifest, then each attestation manifest (recursive: cosign signs every manifest of the index), with where its signature is stored.</param>
public sealed record SignImageResult(string Image, string Digest, IReadOnlyList<SignedManifest> Manifests)
{
    /// <inheritdoc />
    public override string ToString() => $"{Image} signed: {string.Join(", ", Manifests.Select(m => m.Name))}";
}
