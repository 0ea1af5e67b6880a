using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Settings every docker-driven alias shares: which docker client configuration and daemon to
/// use. Cake's own <see cref="ToolSettings"/> (ToolPath, ToolTimeout, WorkingDirectory,
/// EnvironmentVariables) apply as usual.
/// </summary>
public abstract class DockerSettings : ToolSettings
{
    /// <summary>
    /// Gets or sets the docker client configuration folder, passed as <c>DOCKER_CONFIG</c>
    /// (where <c>config.json</c> with registry credentials and buildx's builder store live).
    /// Default: unset, so docker uses <c>DOCKER_CONFIG</c> from the environment or <c>~/.docker</c>.
    /// </summary>
    public DirectoryPath? DockerConfig { get; set; }

    /// <summary>
    /// Gets or sets the daemon address, passed as <c>DOCKER_HOST</c> (such as
    /// <c>unix:///var/run/docker.sock</c> or <c>ssh://user@host</c>). Default: unset.
    /// </summary>
    public string? DockerHost { get; set; }

    /// <summary>
    /// Gets or sets the builder buildx commands use when they name none, passed as
    /// <c>BUILDX_BUILDER</c>. Default: unset (buildx's current builder).
    /// </summary>
    public string? BuildxBuilder { get; set; }
}
