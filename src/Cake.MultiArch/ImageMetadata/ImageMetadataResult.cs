namespace Cake.MultiArch.ImageMetadata;

/// <summary>The computed tags, version, labels and annotations (metadata-action's outputs).</summary>
public sealed record ImageMetadataResult
{
    /// <summary>Initializes a new instance of the <see cref="ImageMetadataResult"/> class.</summary>
    /// <param name="version">The version: the first tag, or empty.</param>
    /// <param name="tagNames">The bare tags, highest priority first.</param>
    /// <param name="tags">The full references <c>NAME:TAG</c>.</param>
    /// <param name="labels">The labels.</param>
    /// <param name="annotations">The annotations, keys with level prefixes.</param>
    /// <param name="context">The context they were computed from.</param>
    public ImageMetadataResult(string version, IReadOnlyList<string> tagNames, IReadOnlyList<string> tags, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> annotations, MetadataContext context)
    {
        Version = version;
        TagNames = tagNames;
        Tags = tags;
        Labels = labels;
        Annotations = annotations;
        Context = context;
    }

    /// <summary>Gets the version: the highest-priority tag without image name (<c>1.2.3</c>, <c>main</c>, <c>pr-5</c>), or empty when no rule made a tag.</summary>
    public string Version { get; }

    /// <summary>Gets the bare tags, highest priority first, <c>latest</c> last, without duplicates.</summary>
    public IReadOnlyList<string> TagNames { get; }

    /// <summary>Gets the full references, <c>NAME:TAG</c> for every image and tag, grouped by image (metadata-action's <c>tags</c> output), or the bare tags when no image was given; hand them to <c>BuildxBuild</c> or a tag-promoting step.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Gets the labels: the OCI ones computed, then the settings' labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Gets the annotations, keys prefixed with their level (<c>manifest:</c>, <c>index:</c>).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; }

    /// <summary>Gets the context the metadata was computed from.</summary>
    public MetadataContext Context { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"version '{Version}'; tags [{string.Join(", ", Tags)}]; {Labels.Count} labels; {Annotations.Count} annotations";
}
