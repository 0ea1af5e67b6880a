using Cake.Core.IO;

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

/// <summary>Settings for <c>ReadPushedImage</c>: which pushed digest to read back.</summary>
public sealed class ReadPushedImageSettings : RegistryAccessSettings
{
    /// <summary>Gets or sets the image pinned by digest, <c>registry.example.com/team/app@sha256:…</c>.</summary>
    public string? Image { get; set; }
}

/// <summary>Settings for <c>PushOciLayout</c>: an OCI layout folder pushed by digest.</summary>
public sealed class PushOciLayoutSettings : RegistryAccessSettings
{
    /// <summary>Gets or sets the OCI image layout folder (buildx <c>--output type=oci,dest=DIR,tar=false</c>).</summary>
    public DirectoryPath? Layout { get; set; }

    /// <summary>Gets or sets the repository to push to, such as <c>registry.example.com/team/app</c> (no tag: nothing is tagged).</summary>
    public string? Repository { get; set; }
}
