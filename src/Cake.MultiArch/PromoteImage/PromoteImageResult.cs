namespace Cake.MultiArch.PromoteImage;

/// <summary>What happened to one tag.</summary>
public enum TagChangeKind
{
    /// <summary>The tag did not exist and now points at the digest.</summary>
    Created,

    /// <summary>The tag pointed at another digest and now points at this one.</summary>
    Moved,

    /// <summary>The tag already pointed at the digest: nothing was written.</summary>
    Unchanged,
}

/// <summary>One tag's move: old digest → new digest.</summary>
/// <param name="Tag">The full tag reference.</param>
/// <param name="OldDigest">What it pointed at before, or <see langword="null"/> when it did not exist.</param>
/// <param name="NewDigest">What it points at now.</param>
/// <param name="Kind">Created, moved or unchanged.</param>
public sealed record TagChange(string Tag, string? OldDigest, string NewDigest, TagChangeKind Kind)
{
    /// <inheritdoc />
    public override string ToString() => $"{Tag}: {OldDigest ?? "(none)"} -> {NewDigest} ({Kind.ToString().ToLowerInvariant()})";
}

/// <summary>The result of <c>PromoteImage</c>.</summary>
/// <param name="Source">The promoted reference (repository@digest).</param>
/// <param name="Digest">The digest every tag now points at.</param>
/// <param name="MediaType">The media type of that manifest or index.</param>
/// <param name="Tags">Each tag's old → new.</param>
/// <param name="BlobsPresent">Blobs the target repositories already had.</param>
/// <param name="BlobsMounted">Blobs mounted from the source repository (no bytes moved).</param>
/// <param name="BlobsUploaded">Blobs uploaded (another registry, or mount refused).</param>
/// <param name="ManifestsCopied">Manifests put by digest into other repositories (children of an index, and the index).</param>
public sealed record PromoteImageResult(
    string Source,
    string Digest,
    string MediaType,
    IReadOnlyList<TagChange> Tags,
    int BlobsPresent,
    int BlobsMounted,
    int BlobsUploaded,
    int ManifestsCopied)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Source} -> {string.Join(", ", Tags.Select(t => t.Tag))} (blobs: {BlobsPresent} present, {BlobsMounted} mounted, {BlobsUploaded} uploaded)";
}
