using Cake.Core.IO;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Fluent helpers for the settings every docker-driven alias shares (<see cref="DockerSettings"/>),
/// in Cake's <c>With…</c> style. Cake's own <c>WithToolPath</c>, <c>WithToolTimeout</c>,
/// <c>WithWorkingDirectory</c> and <c>WithEnvironmentVariable</c> cover the rest.
/// </summary>
public static class DockerSettingsExtensions
{
    /// <summary>Sets the docker client configuration folder (<c>DOCKER_CONFIG</c>).</summary>
    /// <typeparam name="TSettings">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="folder">The folder that holds <c>config.json</c> and buildx's builder store.</param>
    /// <returns>The settings.</returns>
    public static TSettings WithDockerConfig<TSettings>(this TSettings settings, DirectoryPath folder)
        where TSettings : DockerSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.DockerConfig = folder;
        return settings;
    }

    /// <summary>Sets the daemon address (<c>DOCKER_HOST</c>).</summary>
    /// <typeparam name="TSettings">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="host">The address, such as <c>unix:///var/run/docker.sock</c> or <c>ssh://user@host</c>.</param>
    /// <returns>The settings.</returns>
    public static TSettings WithDockerHost<TSettings>(this TSettings settings, string host)
        where TSettings : DockerSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.DockerHost = host;
        return settings;
    }

    /// <summary>Sets the builder buildx commands use when they name none (<c>BUILDX_BUILDER</c>).</summary>
    /// <typeparam name="TSettings">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder name.</param>
    /// <returns>The settings.</returns>
    public static TSettings WithBuildxBuilder<TSettings>(this TSettings settings, string builder)
        where TSettings : DockerSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.BuildxBuilder = builder;
        return settings;
    }
}
