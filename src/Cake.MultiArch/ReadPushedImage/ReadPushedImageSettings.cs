using Cake.MultiArch.Registry;

namespace Cake.MultiArch.ReadPushedImage;

/// <summary>Settings for <c>ReadPushedImage</c>: which pushed digest to read back.</summary>
public sealed class ReadPushedImageSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the image pinned by digest, <c>registry.example.com/team/app@sha256:…</c>.</summary>
    public string? Image { get; set; }

    /// <summary>Gets or sets how the registry is reached: credentials, docker config, plain-HTTP registries, time limits and retries.</summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }
}
