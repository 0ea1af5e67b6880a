using Cake.MultiArch.Docker;

namespace Cake.MultiArch.BuildxVersion;

/// <summary>Settings for <c>BuildxVersion</c> (<c>docker buildx version</c>).</summary>
public sealed class BuildxVersionSettings : DockerSettings
{
}
