using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// What <c>docker buildx build</c> produced, read from its <c>--metadata-file</c>: the digest
/// <c>VerifyManifest</c> can check, the pushed names, and whether the result is an index.
/// </summary>
public sealed class BuildxBuildResult
{
    /// <summary>The OCI image index media type.</summary>
    public const string OciIndexMediaType = "application/vnd.oci.image.index.v1+json";

    /// <summary>The Docker manifest list media type.</summary>
    public const string DockerManifestListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";

    private BuildxBuildResult(string? digest, IReadOnlyList<string> imageNames, string? mediaType, long? size, string? buildRef, IReadOnlyList<Platform> platforms, IReadOnlyList<Platform> requestedPlatforms, JsonElement metadata)
    {
        RequestedPlatforms = requestedPlatforms;
        Digest = digest;
        ImageNames = imageNames;
        MediaType = mediaType;
        Size = size;
        BuildRef = buildRef;
        Platforms = platforms;
        Metadata = metadata;
    }

    /// <summary>Gets the digest of the result (<c>containerimage.digest</c>): the index for a multi-platform build. <see langword="null"/> when the build exported no image.</summary>
    public string? Digest { get; }

    /// <summary>Gets the image names the result was given (<c>image.name</c>, split at commas).</summary>
    public IReadOnlyList<string> ImageNames { get; }

    /// <summary>Gets the media type of the result's descriptor (<c>containerimage.descriptor.mediaType</c>).</summary>
    public string? MediaType { get; }

    /// <summary>Gets the size in bytes of the result's manifest or index.</summary>
    public long? Size { get; }

    /// <summary>Gets the build reference (<c>buildx.build.ref</c>: builder/node/id), present with buildx 0.11 and later.</summary>
    public string? BuildRef { get; }

    /// <summary>Gets the platforms buildx reports build information for (<c>containerimage.buildinfo/PLATFORM</c> keys).</summary>
    public IReadOnlyList<Platform> Platforms { get; }

    /// <summary>
    /// Gets the platforms the build was asked for (<c>--platform</c>), in order; empty when the
    /// build named none (the builder's own platform). buildx 0.13's metadata file has no
    /// <c>containerimage.buildinfo</c> keys, so this, not <see cref="Platforms"/>, is what the
    /// build is known to have produced on every buildx version.
    /// </summary>
    public IReadOnlyList<Platform> RequestedPlatforms { get; }

    /// <summary>
    /// Gets what the build did per platform (steps run and cached, wall time, the slowest steps and
    /// whether they ran under emulation), read from buildx's progress; <see langword="null"/> when
    /// the progress could not be read (<c>Progress = BuildProgress.Quiet</c>, or no step was printed).
    /// </summary>
    public BuildSummary? Summary { get; private init; }

    /// <summary>Gets whether the build pushed its image (<see langword="null"/> when unknown: a result not made by BuildxBuild).</summary>
    internal bool? Pushed { get; private init; }

    /// <summary>Gets a value indicating whether the result is an index (OCI index or Docker manifest list), as a multi-platform build yields.</summary>
    public bool IsIndex => MediaType is OciIndexMediaType or DockerManifestListMediaType;

    /// <summary>Gets the whole metadata document, for keys this type does not name.</summary>
    public JsonElement Metadata { get; }

    /// <summary>Parses buildx's metadata JSON.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <param name="requestedPlatforms">The platforms the build was asked for, or <see langword="null"/> for none.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">The text is not a JSON object, or a known key has the wrong type.</exception>
    internal static BuildxBuildResult Parse(string json, string source, IEnumerable<Platform>? requestedPlatforms = null)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new CakeException($"BuildxBuild: the metadata file '{source}' is not valid JSON ({ex.Message}); expected the object buildx writes for --metadata-file.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CakeException($"BuildxBuild: the metadata file '{source}' holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}; expected the object buildx writes for --metadata-file.");
        }

        string? Text(JsonElement parent, string name, string where) =>
            parent.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw new CakeException($"BuildxBuild: the metadata file '{source}' has '{where}' as a {value.ValueKind.ToString().ToLowerInvariant()}; expected a string.")
                : null;

        var digest = Text(root, "containerimage.digest", "containerimage.digest");
        string? mediaType = null;
        long? size = null;
        if (root.TryGetProperty("containerimage.descriptor", out var descriptor) && descriptor.ValueKind == JsonValueKind.Object)
        {
            mediaType = Text(descriptor, "mediaType", "containerimage.descriptor.mediaType");
            digest ??= Text(descriptor, "digest", "containerimage.descriptor.digest");
            if (descriptor.TryGetProperty("size", out var s) && s.TryGetInt64(out var n))
            {
                size = n;
            }
        }

        var names = (Text(root, "image.name", "image.name") ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        const string BuildInfoPrefix = "containerimage.buildinfo/";
        var platforms = root.EnumerateObject()
            .Where(p => p.Name.StartsWith(BuildInfoPrefix, StringComparison.Ordinal))
            .Select(p => Platform.TryParse(p.Name[BuildInfoPrefix.Length..], out var platform) ? platform : (Platform?)null)
            .OfType<Platform>()
            .ToArray();

        return new BuildxBuildResult(digest, names, mediaType, size, Text(root, "buildx.build.ref", "buildx.build.ref"), platforms, (requestedPlatforms ?? []).ToArray(), root);
    }

    /// <summary>Returns a copy with the image names the build pushed, for metadata that names none (a builder of several nodes).</summary>
    /// <param name="names">The names.</param>
    /// <returns>The copy.</returns>
    internal BuildxBuildResult WithImageNames(IReadOnlyList<string> names) =>
        new(Digest, names, MediaType, Size, BuildRef, Platforms, RequestedPlatforms, Metadata) { Summary = Summary, Pushed = Pushed };

    /// <summary>Returns a copy that carries a build summary.</summary>
    /// <param name="summary">The summary, or <see langword="null"/>.</param>
    /// <returns>The copy.</returns>
    internal BuildxBuildResult WithSummary(BuildSummary? summary) =>
        new(Digest, ImageNames, MediaType, Size, BuildRef, Platforms, RequestedPlatforms, Metadata) { Summary = summary, Pushed = Pushed };

    /// <summary>Returns a copy that says whether the build pushed its image.</summary>
    /// <param name="pushed">Whether it pushed.</param>
    /// <returns>The copy.</returns>
    internal BuildxBuildResult WithPushed(bool pushed) =>
        new(Digest, ImageNames, MediaType, Size, BuildRef, Platforms, RequestedPlatforms, Metadata) { Summary = Summary, Pushed = pushed };

    /// <inheritdoc />
    public override string ToString() =>
        $"{string.Join(", ", ImageNames)}{(Digest is null ? string.Empty : "@" + Digest)} ({MediaType ?? "no image"})";
}
