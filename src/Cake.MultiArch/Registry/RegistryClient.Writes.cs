using System.Net;
using System.Net.Http.Headers;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>How a blob reached the target repository.</summary>
public enum BlobTransfer
{
    /// <summary>The target already had it (HEAD answered 200): nothing was sent.</summary>
    Present,

    /// <summary>The registry linked it from the source repository (cross-repository mount, <c>201 Created</c>).</summary>
    Mounted,

    /// <summary>Its bytes were uploaded (monolithic POST then PUT <c>?digest=</c>).</summary>
    Uploaded,
}

/// <summary>The writes publishing needs on top of the reads: manifests by digest or tag, blob existence, mount and upload.</summary>
public interface IRegistryWriteClient : IRegistryClient
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
}

/// <content>Writes: manifests, blob HEAD, cross-repository mount and monolithic upload, with push-scoped tokens.</content>
public sealed partial class RegistryClient : IRegistryWriteClient
{
    /// <inheritdoc />
    public async Task<string> PutManifestAsync(ImageReference repository, string reference, string mediaType, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(bytes);
        var digest = Sha256(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && reference != digest)
        {
            throw new CakeException($"PUT {BuildUri(repository, "manifests", reference)} refused before sending: the bytes' digest is {digest}, not {reference}.");
        }

        var uri = BuildUri(repository, "manifests", reference);
        var reported = await SendAsync(
            new RegistryRequest(HttpMethod.Put, uri, repository, [], $"manifest '{reference}'") { Scope = PushScope, Content = () => Bytes(bytes, mediaType) },
            ReportedDigest,
            cancellationToken).ConfigureAwait(false);
        if (reported is not null && reported != digest)
        {
            throw new CakeException($"PUT {uri} stored the manifest as {reported}; expected {digest}. The registry rewrote the manifest: it cannot be published byte for byte there.");
        }

        return digest;
    }

    /// <inheritdoc />
    public Task<bool> BlobExistsAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return BlobExistsAsync(repository, digest, [], cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BlobTransfer> CopyBlobAsync(ImageReference source, ImageReference target, string digest, bool mount = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var sameRegistry = string.Equals(source.Registry, target.Registry, StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<string> scopes = sameRegistry && source.Repository != target.Repository
            ? [$"repository:{source.Repository}:pull"]
            : [];
        if (await BlobExistsAsync(target, digest, scopes, cancellationToken).ConfigureAwait(false))
        {
            return BlobTransfer.Present;
        }

        Uri? session = null;
        if (mount && sameRegistry && source.Repository != target.Repository)
        {
            var uri = new Uri(UploadsUri(target) + $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(source.Repository)}");
            var (status, location) = await SendAsync(
                new RegistryRequest(HttpMethod.Post, uri, target, [], $"mount of blob '{digest}' from {source.Repository}") { Scope = PushScope, ExtraScopes = scopes },
                (response, _) => StatusAndLocation(response, uri),
                cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.Created)
            {
                return BlobTransfer.Mounted;
            }

            // 202: the registry declined the mount and opened an upload session instead (distribution spec).
            session = location ?? throw NoLocation(uri, status);
        }

        var temp = await DownloadAsync(source, digest, cancellationToken).ConfigureAwait(false);
        try
        {
            await PutBlobAsync(target, digest, () => File.OpenRead(temp), session, scopes, cancellationToken).ConfigureAwait(false);
            return BlobTransfer.Uploaded;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<BlobTransfer> UploadBlobAsync(ImageReference repository, string digest, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(open);
        if (await BlobExistsAsync(repository, digest, [], cancellationToken).ConfigureAwait(false))
        {
            return BlobTransfer.Present;
        }

        await PutBlobAsync(repository, digest, open, null, [], cancellationToken).ConfigureAwait(false);
        return BlobTransfer.Uploaded;
    }

    private const string PushScope = "pull,push";

    private Uri UploadsUri(ImageReference repository) =>
        new($"{(IsPlainHttp(repository.Registry) ? "http" : "https")}://{repository.ApiHost}/v2/{repository.Repository}/blobs/uploads/");

    private static Task<string?> ReportedDigest(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return Task.FromResult(response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null);
        }
    }

    private static Task<(HttpStatusCode Status, Uri? Location)> StatusAndLocation(HttpResponseMessage response, Uri request)
    {
        using (response)
        {
            var location = response.Headers.Location is { } l ? l.IsAbsoluteUri ? l : new Uri(request, l) : null;
            return Task.FromResult((response.StatusCode, location));
        }
    }

    private static CakeException NoLocation(Uri request, HttpStatusCode status) =>
        new($"POST {request} returned {(int)status} without a Location header; expected the upload session's URL.");

    private static ByteArrayContent Bytes(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }


    private async Task<bool> BlobExistsAsync(ImageReference repository, string digest, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var uri = BuildUri(repository, "blobs", digest, digestOnly: true);
        try
        {
            return await SendAsync(
                new RegistryRequest(HttpMethod.Head, uri, repository, [], $"blob '{digest}'") { Scope = PushScope, ExtraScopes = scopes },
                (response, _) =>
                {
                    response.Dispose();
                    return Task.FromResult(true);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex) when (ex.Data["StatusCode"] is HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    // Streams the source blob through the digest check into a temporary file, so a retried
    // upload can read it again and a large layer never sits in memory.
    private async Task<string> DownloadAsync(ImageReference source, string digest, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"cake-multiarch-blob-{Guid.NewGuid():N}");
        try
        {
            var blob = await OpenBlobAsync(source, digest, cancellationToken).ConfigureAwait(false);
            await using (blob.ConfigureAwait(false))
            {
                var file = File.Create(temp);
                await using (file.ConfigureAwait(false))
                {
                    await blob.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }

            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private async Task PutBlobAsync(ImageReference repository, string digest, Func<Stream> open, Uri? session, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            var start = UploadsUri(repository);
            var (status, location) = await SendAsync(
                new RegistryRequest(HttpMethod.Post, start, repository, [], $"upload of blob '{digest}'") { Scope = PushScope, ExtraScopes = scopes },
                (response, _) => StatusAndLocation(response, start),
                cancellationToken).ConfigureAwait(false);
            session = location ?? throw NoLocation(start, status);
        }

        var put = new Uri(session + (string.IsNullOrEmpty(session.Query) ? "?" : "&") + "digest=" + Uri.EscapeDataString(digest));
        var reported = await SendAsync(
            new RegistryRequest(HttpMethod.Put, put, repository, [], $"blob '{digest}'")
            {
                Scope = PushScope,
                ExtraScopes = scopes,
                Content = () =>
                {
                    var content = new StreamContent(open());
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    return content;
                },
                Timeout = _options.LayerTimeout,
            },
            ReportedDigest,
            cancellationToken).ConfigureAwait(false);
        if (reported is not null && reported != digest)
        {
            throw new CakeException($"PUT {put.GetLeftPart(UriPartial.Path)} stored the blob as {reported}; expected {digest}.");
        }
    }
}
