using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cake.Core;
using Cake.MultiArch.Json;

namespace Cake.MultiArch.Registry;

/// <summary>
/// Reads registry JSON (indexes, manifests, configs) into the models, turning every kind of bad
/// document (not JSON, a field of the wrong type, <c>null</c> where a value is required) into a
/// <see cref="CakeException"/> that names the document and the format expected.
/// </summary>
internal static class OciJson
{
    private const string IndexSpec = "https://github.com/opencontainers/image-spec/blob/main/image-index.md";
    private const string ManifestSpec = "https://github.com/opencontainers/image-spec/blob/main/manifest.md";
    private const string ConfigSpec = "https://github.com/opencontainers/image-spec/blob/main/config.md";

    /// <summary>Reads an index or manifest list.</summary>
    /// <param name="bytes">The document.</param>
    /// <param name="subject">What it is, for messages (<c>the index sha256:…</c>).</param>
    /// <returns>The index, with no <see langword="null"/> entry and no <see langword="null"/> digest.</returns>
    /// <exception cref="CakeException">The document is not an index.</exception>
    public static ImageIndex ReadIndex(byte[] bytes, string subject)
    {
        var index = Read(bytes, MultiArchJsonContext.Default.ImageIndex, subject, "an image index", IndexSpec);
        if (index.Manifests is null)
        {
            throw new CakeException($"{subject} has no 'manifests' list (it is missing or null); expected an array of descriptors ({IndexSpec}).");
        }

        for (var i = 0; i < index.Manifests.Count; i++)
        {
            var entry = index.Manifests[i] ?? throw new CakeException($"{subject} has a null entry #{i + 1} in 'manifests'; expected a descriptor object ({IndexSpec}).");
            entry.Digest ??= string.Empty;
        }

        return index;
    }

    /// <summary>Reads an image manifest.</summary>
    /// <param name="bytes">The document.</param>
    /// <param name="subject">What it is, for messages.</param>
    /// <returns>The manifest, with a config and a layer list (no <see langword="null"/> layer), each with a digest.</returns>
    /// <exception cref="CakeException">The document is not an image manifest.</exception>
    public static ImageManifest ReadManifest(byte[] bytes, string subject)
    {
        var manifest = Read(bytes, MultiArchJsonContext.Default.ImageManifest, subject, "an image manifest", ManifestSpec);
        if (string.IsNullOrEmpty(manifest.Config?.Digest))
        {
            throw new CakeException($"{subject} has no 'config' with a digest (it is missing, null or has no digest); expected a descriptor of the image config ({ManifestSpec}).");
        }

        if (manifest.Layers is null)
        {
            throw new CakeException($"{subject} has 'layers': null; expected an array of layer descriptors ({ManifestSpec}).");
        }

        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var layer = manifest.Layers[i] ?? throw new CakeException($"{subject} has a null entry #{i + 1} in 'layers'; expected a descriptor object ({ManifestSpec}).");
            if (string.IsNullOrEmpty(layer.Digest))
            {
                throw new CakeException($"{subject} has a layer #{i + 1} without a digest; expected 'sha256:' followed by 64 hex digits ({ManifestSpec}).");
            }
        }

        return manifest;
    }

    /// <summary>Reads the platform fields of an image config.</summary>
    /// <param name="bytes">The config.</param>
    /// <param name="subject">What it is, for messages.</param>
    /// <returns>The config.</returns>
    /// <exception cref="CakeException">The document is not an image config.</exception>
    public static ImageConfig ReadConfig(byte[] bytes, string subject) => Read(bytes, MultiArchJsonContext.Default.ImageConfig, subject, "an image config", ConfigSpec);

    private static T Read<T>(byte[] bytes, JsonTypeInfo<T> type, string subject, string what, string spec)
        where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException ex)
        {
            throw new CakeException($"{subject} is not valid JSON for {what} ({Shorten(ex.Message)}); expected the format of {spec}.", ex);
        }
        catch (ArgumentException ex)
        {
            // A key repeated in a map (annotations) lands here.
            throw new CakeException($"{subject} is not valid JSON for {what} ({Shorten(ex.Message)}); expected the format of {spec}.", ex);
        }

        return value ?? throw new CakeException($"{subject} is JSON null; expected {what} object ({spec}).");
    }

    private static string Shorten(string message) => message.Length <= 200 ? message : message[..200] + "…";
}
