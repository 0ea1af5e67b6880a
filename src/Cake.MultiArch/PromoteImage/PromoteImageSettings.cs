using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PromoteImage;

/// <summary>Settings for <c>PromoteImage</c>: put an already pushed (and verified) digest under tags.</summary>
public sealed class PromoteImageSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the image to promote, pinned by digest: <c>registry.example.com/team/app@sha256:…</c>. A tag is not accepted: only a digest names what was verified.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// Gets the tags to point at the digest: full references (<c>registry.example.com/team/app:1.0</c>,
    /// in the source's repository or another one, on the same registry or another), or a bare tag
    /// (<c>1.0</c>, no <c>/</c>) for the source's own repository.
    /// </summary>
    public IList<string> Tags { get; } = new List<string>();

    /// <summary>Gets or sets a value indicating whether blobs are mounted across repositories of the same registry before falling back to an upload. Default: <see langword="true"/>.</summary>
    public bool UseBlobMount { get; set; } = true;

    /// <summary>Gets or sets how the registries are reached: credentials, docker config, plain-HTTP registries, time limits and retries.</summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }
}
