using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>Settings for <c>CheckDockerfile</c>: the build the Dockerfile is checked for, and the preflight's options.</summary>
public sealed class CheckDockerfileSettings : DockerfileCheckOptions
{
    /// <summary>Gets the target platforms, as <c>BuildxBuild</c>'s <c>Platforms</c>. Default (empty): the build platform only.</summary>
    public IList<Platform> Platforms { get; } = new List<Platform>();

    /// <summary>Gets or sets the platform the builder runs on (<c>$BUILDPLATFORM</c>). Default: this machine's (<see cref="Platform.Host"/>).</summary>
    public Platform? BuildPlatform { get; set; }

    /// <summary>Gets the build arguments (<c>--build-arg</c>): they replace the defaults of the ARGs they name.</summary>
    public IDictionary<string, string> BuildArgs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the named build contexts (<c>--build-context</c>): a FROM that names one uses it instead of the image (a <c>docker-image://</c> value is checked as that image).</summary>
    public IDictionary<string, string> BuildContexts { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the stage that is built (<c>--target</c>). Default: the last stage. Stages it does not need are not checked against registries.</summary>
    public string? Target { get; set; }
}
