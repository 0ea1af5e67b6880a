using System.Text.Json.Serialization;

namespace Cake.MultiArch.Registry;

/// <summary>The media types the registry client asks for and understands.</summary>
internal static class MediaTypes
{
    /// <summary>OCI image index (https://github.com/opencontainers/image-spec/blob/main/image-index.md).</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>OCI image manifest (https://github.com/opencontainers/image-spec/blob/main/manifest.md).</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>Docker manifest list (schema 2).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Docker image manifest (schema 2).</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Gets the Accept list for manifests, indexes first (oras-dotnet's DefaultManifestMediaTypes order).</summary>
    public static IReadOnlyList<string> ManifestAccept { get; } = [OciIndex, DockerManifestList, OciManifest, DockerManifest];

    /// <summary>Gets whether a media type is an index or manifest list.</summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns><see langword="true"/> for an index.</returns>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>Gets whether a media type is a single-image manifest.</summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns><see langword="true"/> for a manifest.</returns>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;
}

/// <summary>A content descriptor (https://github.com/opencontainers/image-spec/blob/main/descriptor.md).</summary>
internal sealed class Descriptor
{
    /// <summary>Gets or sets the media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; set; }

    /// <summary>Gets or sets the digest.</summary>
    [JsonPropertyName("digest")]
    public string Digest { get; set; } = string.Empty;

    /// <summary>Gets or sets the size in bytes.</summary>
    [JsonPropertyName("size")]
    public long Size { get; set; }

    /// <summary>Gets or sets the platform, for entries of an index.</summary>
    [JsonPropertyName("platform")]
    public PlatformSpec? Platform { get; set; }

    /// <summary>Gets or sets the annotations.</summary>
    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Gets a value indicating whether this index entry is a buildx attestation manifest (<c>vnd.docker.reference.type=attestation-manifest</c>).</summary>
    [JsonIgnore]
    public bool IsAttestation => Annotations?.TryGetValue("vnd.docker.reference.type", out var type) == true && type == "attestation-manifest";
}

/// <summary>The platform of an index entry (https://github.com/opencontainers/image-spec/blob/main/image-index.md).</summary>
internal sealed class PlatformSpec
{
    /// <summary>Gets or sets the architecture.</summary>
    [JsonPropertyName("architecture")]
    public string Architecture { get; set; } = string.Empty;

    /// <summary>Gets or sets the operating system.</summary>
    [JsonPropertyName("os")]
    public string Os { get; set; } = string.Empty;

    /// <summary>Gets or sets the variant.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; set; }

    /// <inheritdoc />
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}

/// <summary>An OCI image index or Docker manifest list (https://github.com/opencontainers/image-spec/blob/main/image-index.md).</summary>
internal sealed class ImageIndex
{
    /// <summary>Gets or sets the schema version (2).</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; set; }

    /// <summary>Gets or sets the media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; set; }

    /// <summary>Gets or sets the entries.</summary>
    [JsonPropertyName("manifests")]
    public List<Descriptor> Manifests { get; set; } = [];
}

/// <summary>An OCI image manifest or Docker v2 manifest (https://github.com/opencontainers/image-spec/blob/main/manifest.md).</summary>
internal sealed class ImageManifest
{
    /// <summary>Gets or sets the schema version (2).</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; set; }

    /// <summary>Gets or sets the media type.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; set; }

    /// <summary>Gets or sets the config descriptor.</summary>
    [JsonPropertyName("config")]
    public Descriptor Config { get; set; } = new();

    /// <summary>Gets or sets the layers.</summary>
    [JsonPropertyName("layers")]
    public List<Descriptor> Layers { get; set; } = [];

    /// <summary>Gets or sets the annotations.</summary>
    [JsonPropertyName("annotations")]
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The platform fields of an image config (https://github.com/opencontainers/image-spec/blob/main/config.md).</summary>
internal sealed class ImageConfig
{
    /// <summary>Gets or sets the architecture.</summary>
    [JsonPropertyName("architecture")]
    public string? Architecture { get; set; }

    /// <summary>Gets or sets the operating system.</summary>
    [JsonPropertyName("os")]
    public string? Os { get; set; }

    /// <summary>Gets or sets the variant.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; set; }
}

/// <summary>A registry error body (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes).</summary>
internal sealed class RegistryErrors
{
    [JsonPropertyName("errors")]
    public List<RegistryError>? Errors { get; set; }
}

/// <summary>One registry error.</summary>
internal sealed class RegistryError
{
    [JsonPropertyName("code")]
    public string? Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
