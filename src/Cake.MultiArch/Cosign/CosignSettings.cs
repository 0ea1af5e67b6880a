using Cake.Core.Tooling;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Cosign;

/// <summary>
/// Settings every cosign-driven alias shares: the image, pinned by digest, and how its registry
/// is reached. Cake's own <see cref="ToolSettings"/> (ToolPath, ToolTimeout, EnvironmentVariables) apply as usual.
/// </summary>
public abstract class CosignSettings : ToolSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the image, pinned by digest: <c>registry.example.com/team/app@sha256:…</c>. A tag is refused: only a digest names what was verified.</summary>
    public string? Image { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the index and every platform manifest in it are
    /// covered, not only the index. Default: <see langword="true"/> (policy checks such as podman's
    /// and Harbor's look at each platform's manifest).
    /// </summary>
    public bool Recursive { get; set; } = true;

    /// <summary>Gets or sets the transparency log (Rekor) URL, <c>--rekor-url</c>; unset: cosign's default (the public instance).</summary>
    public string? RekorUrl { get; set; }

    /// <summary>
    /// Gets or sets how the registry is reached: a plain-HTTP registry listed in
    /// <see cref="RegistryAccess.InsecureRegistries"/> adds <c>--allow-insecure-registry</c>; a
    /// username and password reach cosign through a temporary docker config (<c>DOCKER_CONFIG</c>),
    /// never its arguments; <see cref="RegistryAccess.DockerConfig"/> is passed as <c>DOCKER_CONFIG</c>.
    /// </summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }
}
