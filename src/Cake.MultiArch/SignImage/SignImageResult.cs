using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.SignImage;

/// <summary>One manifest a signature now covers.</summary>
/// <param name="Platform">The platform, or <see langword="null"/> for the index (or a single manifest).</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="SignatureTag">Where cosign stored the signature in the image's repository: <c>sha256-&lt;hex&gt;.sig</c>.</param>
public sealed record SignedManifest(Platform? Platform, string Digest, string SignatureTag)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Platform is { } p ? p.ToString() : "index")} {Digest} -> {SignatureTag}";
}

/// <summary>The result of <c>SignImage</c>.</summary>
/// <param name="Image">The signed image (repository@digest).</param>
/// <param name="Digest">The signed digest.</param>
/// <param name="Manifests">The index first, then each platform manifest (recursive), with where its signature is stored.</param>
public sealed record SignImageResult(string Image, string Digest, IReadOnlyList<SignedManifest> Manifests)
{
    /// <inheritdoc />
    public override string ToString() => $"{Image} signed: {string.Join(", ", Manifests.Select(m => m.Platform is { } p ? p.ToString() : "index"))}";
}
