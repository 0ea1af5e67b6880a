using Cake.Core.IO;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.MergeImages;

/// <summary>
/// Settings for <c>MergeImages</c>: compose one OCI index from per-platform results (digests or the
/// records of per-platform jobs), push it by digest, verify it, then promote it to tags.
/// </summary>
public sealed class MergeImagesSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the repository every input lives in and the index is pushed to, such as <c>registry.example.com/team/app</c> (no tag, no digest).</summary>
    public string? Repository { get; set; }

    /// <summary>Gets the per-platform results by digest: <c>sha256:…</c> or <c>registry/repository@sha256:…</c> (same repository). Each is a single manifest or an index (its attestation manifests are kept).</summary>
    public IList<string> Images { get; } = new List<string>();

    /// <summary>Gets or sets a folder of publish records (<c>*.json</c>, one per platform, written by <c>WritePublishRecord</c> / the recipe's <c>Publish-Platform</c>).</summary>
    public DirectoryPath? RecordsDirectory { get; set; }

    /// <summary>Gets the platforms the index must hold: exactly these, each once, checked before anything is written.</summary>
    public IList<Platform> ExpectedPlatforms { get; } = new List<Platform>();

    /// <summary>Gets the index's annotations (<c>org.opencontainers.image.*</c> and others), written as given.</summary>
    public IDictionary<string, string> Annotations { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the tags the verified index is promoted to (full references, or bare tags of <see cref="Repository"/>). Empty: the index is pushed by digest only.</summary>
    public IList<string> Tags { get; } = new List<string>();

    /// <summary>Gets or sets a value indicating whether the pushed index is verified (VerifyManifest, strict) before any tag moves. Default: <see langword="true"/>.</summary>
    public bool Verify { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the verification checks each platform's binaries (ELF headers). Default: <see langword="true"/>.</summary>
    public bool Deep { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether blobs are mounted across repositories when a tag is in another repository. Default: <see langword="true"/>.</summary>
    public bool UseBlobMount { get; set; } = true;

    /// <summary>Gets or sets how the registry is reached (for the merge, the verification and the promotion): credentials, docker config, plain-HTTP registries, time limits and retries.</summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }
}
