using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Docker;

/// <summary>Reads <c>docker info --format '{{json .DriverStatus}}'</c>: which image store the engine uses.</summary>
internal static class DockerInfoParser
{
    /// <summary>Gets whether the engine uses the containerd image store (<c>["driver-type","io.containerd.snapshotter.v1"]</c>).</summary>
    /// <param name="text">The JSON array of pairs docker printed.</param>
    /// <returns><see langword="true"/> for the containerd store, <see langword="false"/> for a classic storage driver.</returns>
    /// <exception cref="CakeException">The text is not such an array.</exception>
    public static bool IsContainerdStore(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text.Trim() is { Length: > 0 } t ? t : "null");
            if (json.RootElement.ValueKind == JsonValueKind.Null)
            {
                return false;
            }

            return json.RootElement.EnumerateArray().Any(pair =>
                pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                && pair[0].ValueKind == JsonValueKind.String && pair[0].GetString() == "driver-type"
                && pair[1].ValueKind == JsonValueKind.String && (pair[1].GetString()?.StartsWith("io.containerd.snapshotter", StringComparison.Ordinal) ?? false));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new CakeException($"EnsureBuilder: could not read 'docker info' output; expected the DriverStatus pairs as JSON, found {BuildxInspectParser.Shorten(text)}.");
        }
    }
}
