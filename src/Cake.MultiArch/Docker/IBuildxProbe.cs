using Cake.Core;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The reads several aliases make before they act: the builder (<c>docker buildx inspect</c>),
/// the engine's image store (<c>docker info</c>) and the buildx version (<c>docker buildx version</c>).
/// Runners are given one, so tests can replace what docker would say. The one that asks docker
/// keeps each answer for the process (<see cref="ProbeCache"/>), so each question runs docker once
/// per docker executable, environment and builder; every method may be called from several threads.
/// </summary>
internal interface IBuildxProbe
{
    /// <summary>Reads a builder as <c>docker buildx inspect [NAME]</c> describes it.</summary>
    /// <param name="docker">The docker the calling runner runs.</param>
    /// <param name="builder">The builder's name, or <see langword="null"/> for buildx's current one.</param>
    /// <returns>The builder, or <see langword="null"/> when there is no such builder or buildx printed text this version does not know.</returns>
    EnsureBuilderResult? TryInspect(DockerTarget docker, string? builder);

    /// <summary>Reads the engine's storage driver status (<c>docker [--context NAME] info --format "{{json .DriverStatus}}"</c>).</summary>
    /// <param name="docker">The docker the calling runner runs.</param>
    /// <param name="context">The docker context to ask, or <see langword="null"/> for the current one.</param>
    /// <returns>The JSON text docker printed.</returns>
    /// <exception cref="CakeException">docker failed.</exception>
    string ReadDriverStatus(DockerTarget docker, string? context);

    /// <summary>Reads the buildx plugin's version (<c>docker buildx version</c>).</summary>
    /// <param name="docker">The docker the calling runner runs.</param>
    /// <returns>The version.</returns>
    /// <exception cref="CakeException">docker failed or printed no version.</exception>
    BuildxVersionResult ReadVersion(DockerTarget docker);

    /// <summary>Forgets what <see cref="TryInspect"/> read: the calling alias created, changed, made current or removed a builder.</summary>
    void BuildersChanged();
}
