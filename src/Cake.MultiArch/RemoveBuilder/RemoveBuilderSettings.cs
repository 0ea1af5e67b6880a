using Cake.MultiArch.Docker;

namespace Cake.MultiArch.RemoveBuilder;

/// <summary>Settings for <c>RemoveBuilder</c> (<c>docker buildx rm NAME</c>).</summary>
public sealed class RemoveBuilderSettings : DockerSettings
{
    /// <summary>Gets or sets a value indicating whether BuildKit's state (its cache) is kept (<c>--keep-state</c>).</summary>
    public bool KeepState { get; set; }
}
