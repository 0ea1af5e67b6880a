using Cake.Core.IO;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PushOciLayout;

/// <summary>Settings for <c>PushOciLayout</c>: an OCI layout folder pushed by digest.</summary>
public sealed class PushOciLayoutSettings
{
    private RegistryAccess _registry = new();

    /// <summary>Gets or sets the OCI image layout folder (buildx <c>--output type=oci,dest=DIR,tar=false</c>).</summary>
    public DirectoryPath? Layout { get; set; }

    /// <summary>Gets or sets the repository to push to, such as <c>registry.example.com/team/app</c> (no tag: nothing is tagged).</summary>
    public string? Repository { get; set; }

    /// <summary>Gets or sets how the registry is reached: credentials, docker config, plain-HTTP registries, time limits and retries.</summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }
}
