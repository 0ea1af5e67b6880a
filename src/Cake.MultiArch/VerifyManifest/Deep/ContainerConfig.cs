using System.Text.Json;

namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>
/// The part of an image config the entry point check reads: <c>config.Entrypoint</c>,
/// <c>config.Cmd</c>, <c>config.Env</c> and <c>config.WorkingDir</c>
/// (https://github.com/opencontainers/image-spec/blob/main/config.md#properties).
/// </summary>
/// <param name="Entrypoint">The entry point, or <see langword="null"/>.</param>
/// <param name="Cmd">The command, or <see langword="null"/>.</param>
/// <param name="Env">The environment as <c>NAME=value</c>.</param>
/// <param name="WorkingDir">The working directory, or <see langword="null"/>.</param>
internal sealed record ContainerConfig(IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Cmd, IReadOnlyList<string> Env, string? WorkingDir)
{
    /// <summary>The <c>PATH</c> a container gets when the image sets none (containerd's and Docker's default).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Gets the command a container runs: the entry point followed by the command.</summary>
    public IReadOnlyList<string> Command => [.. Entrypoint ?? [], .. Cmd ?? []];

    /// <summary>Gets the <c>PATH</c> the container sees.</summary>
    public string Path => Env.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal)) is { } path ? path[5..] : DefaultPath;

    /// <summary>Reads the config from an image config blob.</summary>
    /// <param name="bytes">The image config JSON.</param>
    /// <returns>The container config (empty when the blob has none).</returns>
    public static ContainerConfig Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            return new ContainerConfig(null, null, [], null);
        }

        return new ContainerConfig(
            Strings(config, "Entrypoint"),
            Strings(config, "Cmd"),
            Strings(config, "Env") ?? [],
            config.TryGetProperty("WorkingDir", out var dir) && dir.ValueKind == JsonValueKind.String ? dir.GetString() : null);
    }

    private static string[]? Strings(JsonElement config, string name) =>
        config.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray()
            : null;
}
