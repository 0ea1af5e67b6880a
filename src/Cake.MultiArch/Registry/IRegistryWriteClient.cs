namespace Cake.MultiArch.Registry;

/// <summary>The writes publishing needs on top of the reads: manifests by digest or tag, blob existence, mount and upload.</summary>
internal interface IRegistryWriteClient : IRegistryClient
{
    /// <summary>Puts manifest bytes under a digest or tag, byte for byte, and checks the digest the registry reports.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The digest or tag.</param>
    /// <param name="mediaType">The manifest's media type (sent as Content-Type).</param>
    /// <param name="bytes">The exact bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest's digest (<c>sha256:</c> of the bytes).</returns>
    Task<string> PutManifestAsync(ImageReference repository, string reference, string mediaType, byte[] bytes, CancellationToken cancellationToken = default);

    /// <summary>Asks whether a blob exists in a repository (HEAD).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the repository has it.</returns>
    Task<bool> BlobExistsAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a blob of the source repository available in the target: nothing when it is there
    /// already, a cross-repository mount on the same registry, else (or when the registry refuses
    /// the mount) a monolithic upload of the bytes read from the source.
    /// </summary>
    /// <param name="source">The repository that has the blob.</param>
    /// <param name="target">The repository that needs it.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="mount">Whether a mount is tried first (same registry only).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>How the blob got there.</returns>
    Task<BlobTransfer> CopyBlobAsync(ImageReference source, ImageReference target, string digest, bool mount = true, CancellationToken cancellationToken = default);

    /// <summary>Uploads a blob (monolithic: POST, then PUT <c>?digest=</c>) unless the repository has it.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="open">Opens the bytes (called again on a retry).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns><see cref="BlobTransfer.Present"/> or <see cref="BlobTransfer.Uploaded"/>.</returns>
    Task<BlobTransfer> UploadBlobAsync(ImageReference repository, string digest, Func<Stream> open, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the referrers of a digest through the referrers API (<c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>,
    /// distribution-spec 1.1), every page.
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The subject's digest.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The referrers' descriptors, or <see langword="null"/> when the registry does not serve the API (404: use the referrers tag schema).</returns>
    Task<IReadOnlyList<Descriptor>?> GetReferrersAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);
}
