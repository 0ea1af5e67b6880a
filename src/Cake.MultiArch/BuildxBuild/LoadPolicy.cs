using System.Text.Json;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// When a multi-platform image can be loaded into the local image store (<c>--load</c> or a
/// <c>docker</c>-type output): only through the <c>docker</c> driver (the engine's own builder) on an
/// engine with the containerd image store. docker-container, remote and kubernetes builders
/// export a tarball the engine imports one platform at a time; the classic image store holds one
/// platform per tag.
/// </summary>
internal static class LoadPolicy
{
    /// <summary>The <c>docker info</c> DriverStatus entry of the containerd image store.</summary>
    public const string ContainerdSnapshotter = "io.containerd.snapshotter.v1";

    private const string Alternatives = "push instead (Push = true), write an OCI archive (BuildOutput.OciArchive), or load one platform per build";

    /// <summary>Says what asks for a multi-platform load, or <see langword="null"/> when nothing does.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The setting that asks, for messages.</returns>
    public static string? Request(BuildxBuildSettings settings)
    {
        if (settings.Platforms.Count < 2)
        {
            return null;
        }

        var platforms = $"{settings.Platforms.Count} platforms ({PlatformList.Format(settings.Platforms)})";
        return settings.Load
            ? $"Load is set with {platforms}"
            : settings.Outputs.Any(o => o.Type == BuildOutputType.Docker) ? $"Outputs has a docker-type output with {platforms}" : null;
    }

    /// <summary>Gets whether the driver can never load several platforms.</summary>
    /// <param name="driver">The builder's driver.</param>
    /// <returns><see langword="true"/> for docker-container, remote and kubernetes.</returns>
    public static bool CannotLoadMultiPlatform(string driver) => driver is "docker-container" or "remote" or "kubernetes";

    /// <summary>Makes the refusal for a builder whose driver cannot load several platforms.</summary>
    /// <param name="request">What asks for the load (<see cref="Request"/>).</param>
    /// <param name="builder">The builder.</param>
    /// <returns>The message.</returns>
    public static string DriverRefusal(string request, EnsureBuilderResult builder) =>
        $"BuildxBuild: {request}, but builder '{builder.Name}' uses the '{builder.Driver}' driver, which loads one platform only; expected the 'docker' driver (the engine's own builder, such as 'default') on an engine with the containerd image store, found '{builder.Driver}'. "
        + $"Build with a docker-driver builder (Builder = \"default\"), {Alternatives}.";

    /// <summary>Makes the refusal for an engine with the classic image store.</summary>
    /// <param name="request">What asks for the load (<see cref="Request"/>).</param>
    /// <param name="builder">The builder.</param>
    /// <param name="driverStatus">What <c>docker info</c> printed for the DriverStatus.</param>
    /// <returns>The message.</returns>
    public static string StoreRefusal(string request, EnsureBuilderResult builder, string driverStatus) =>
        $"BuildxBuild: {request}, but the engine behind builder '{builder.Name}' keeps images in the classic image store, which holds one platform per tag; expected the containerd image store (docker info DriverStatus 'driver-type: {ContainerdSnapshotter}'), found DriverStatus {driverStatus.Trim()}. "
        + "Enable the containerd image store (\"features\": {\"containerd-snapshotter\": true} in /etc/docker/daemon.json and restart dockerd; Docker Desktop: 'Use containerd for pulling and storing images'), or "
        + $"{Alternatives}.";

    /// <summary>Reads <c>docker info --format '{{json .DriverStatus}}'</c>.</summary>
    /// <param name="driverStatus">The printed JSON: an array of [name, value] pairs.</param>
    /// <returns>Whether the engine uses the containerd image store, or <see langword="null"/> when the text is not that JSON.</returns>
    public static bool? UsesContainerdStore(string driverStatus)
    {
        try
        {
            using var document = JsonDocument.Parse(driverStatus);
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return false; // no storage driver status at all: not the snapshotter
            }

            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return document.RootElement.EnumerateArray().Any(pair =>
                pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                && pair[0].ValueKind == JsonValueKind.String && pair[0].GetString() == "driver-type"
                && pair[1].ValueKind == JsonValueKind.String && pair[1].GetString() == ContainerdSnapshotter);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
