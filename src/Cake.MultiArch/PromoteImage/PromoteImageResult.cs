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
    /// <summary>Gets how many of cosign's tags (<c>sha256-&lt;hex&gt;.sig</c>, <c>.att</c>, <c>.sbom</c>) of the digest and its manifests were copied into other repositories.</summary>
    public int SignatureTagsCopied { get; init; }

    /// <summary>
    /// Gets how many OCI referrers (manifests whose <c>subject</c> is the digest, one of its
    /// manifests, or a copied referrer) were copied into other repositories: found through the
    /// source's referrers API or, where it has none, its referrers tag (<c>sha256-&lt;hex&gt;</c>).
    /// </summary>
    public int ReferrersCopied { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Source} -> {string.Join(", ", Tags.Select(t => t.Tag))} (blobs: {BlobsPresent} present, {BlobsMounted} mounted, {BlobsUploaded} uploaded"
        + (SignatureTagsCopied > 0 ? $"; {SignatureTagsCopied} signature tag{(SignatureTagsCopied == 1 ? string.Empty : "s")} copied" : string.Empty)
        + (ReferrersCopied > 0 ? $"; {ReferrersCopied} referrer{(ReferrersCopied == 1 ? string.Empty : "s")} copied" : string.Empty)
        + ")";
}
