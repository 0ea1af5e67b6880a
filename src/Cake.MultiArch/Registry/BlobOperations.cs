using System.Net;
using System.Net.Http.Headers;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// Blob operations (dotnet/sdk's <c>DefaultBlobOperations</c> and upload operations): get a small
/// blob whole or a layer as a stream (both digest-checked), HEAD, cross-repository mount, and
/// monolithic upload (POST, then PUT <c>?digest=</c>) with push-scoped tokens.
/// </summary>
/// <param name="transport">The transport every request goes through.</param>
internal sealed class BlobOperations(RegistryTransport transport)
{
    private const string PushScope = "pull,push";

    /// <summary>Gets a small blob (a config) whole and verifies its digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bytes.</returns>
    public Task<byte[]> GetAsync(ImageReference repository, string digest, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "blobs", digest, digestOnly: true);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, ["*/*"], $"blob {digest}");
        return transport.SendAsync(request, async (response, token) =>
        {
            using (response)
            {
                var bytes = await RegistryResponses.ReadLimitedAsync(response, uri, transport.Options.MaxDocumentBytes, token).ConfigureAwait(false);
                var actual = RegistryClient.Sha256(bytes);
                return actual == digest ? bytes : throw RegistryClient.DigestMismatch(uri, actual, digest);
            }
        }, cancellationToken);
    }

    /// <summary>Opens a blob (a layer) as a stream; reading it to the end verifies the digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stream; dispose it.</returns>
    public Task<Stream> OpenAsync(ImageReference repository, string digest, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "blobs", digest, digestOnly: true);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, ["*/*"], $"layer {digest}");
        return transport.SendAsync(request, async (response, token) =>
        {
            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            return (Stream)new BlobReadStream(stream, response, digest, uri, transport.Options.ReadIdleTimeout, transport.Options.LayerTimeout);
        }, cancellationToken);
    }

    /// <summary>Asks whether a blob exists in a repository (HEAD, push-scoped).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="scopes">Further token scopes (pull on a mount's source).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns><see langword="true"/> when the repository has it.</returns>
    public async Task<bool> ExistsAsync(ImageReference repository, string digest, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "blobs", digest, digestOnly: true);
        try
        {
            return await transport.SendAsync(
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

    /// <summary>Makes a blob of the source repository available in the target: nothing when it is there, a mount on the same registry, else an upload of the bytes read from the source.</summary>
    /// <param name="source">The repository that has the blob.</param>
    /// <param name="target">The repository that needs it.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="mount">Whether a mount is tried first (same registry only).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>How the blob got there.</returns>
    public async Task<BlobTransfer> CopyAsync(ImageReference source, ImageReference target, string digest, bool mount, CancellationToken cancellationToken)
    {
        var sameRegistry = string.Equals(source.Registry, target.Registry, StringComparison.OrdinalIgnoreCase);
        IReadOnlyList<string> scopes = sameRegistry && source.Repository != target.Repository
            ? [$"repository:{source.Repository}:pull"]
            : [];
        if (await ExistsAsync(target, digest, scopes, cancellationToken).ConfigureAwait(false))
        {
            return BlobTransfer.Present;
        }

        Uri? session = null;
        if (mount && sameRegistry && source.Repository != target.Repository)
        {
            var uri = new Uri(transport.UploadsUri(target) + $"?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(source.Repository)}");
            var (status, location) = await transport.SendAsync(
                new RegistryRequest(HttpMethod.Post, uri, target, [], $"mount of blob '{digest}' from {source.Repository}") { Scope = PushScope, ExtraScopes = scopes },
                (response, _) => RegistryResponses.StatusAndLocation(response, uri),
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
            await PutAsync(target, digest, () => File.OpenRead(temp), session, scopes, cancellationToken).ConfigureAwait(false);
            return BlobTransfer.Uploaded;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Uploads a blob unless the repository has it.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="open">Opens the bytes (called again on a retry).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns><see cref="BlobTransfer.Present"/> or <see cref="BlobTransfer.Uploaded"/>.</returns>
    public async Task<BlobTransfer> UploadAsync(ImageReference repository, string digest, Func<Stream> open, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(repository, digest, [], cancellationToken).ConfigureAwait(false))
        {
            return BlobTransfer.Present;
        }

        await PutAsync(repository, digest, open, null, [], cancellationToken).ConfigureAwait(false);
        return BlobTransfer.Uploaded;
    }

    private static CakeException NoLocation(Uri request, HttpStatusCode status) =>
        new($"POST {request} returned {(int)status} without a Location header; expected the upload session's URL.");

    // Streams the source blob through the digest check into a temporary file, so a retried
    // upload can read it again and a large layer never sits in memory.
    private async Task<string> DownloadAsync(ImageReference source, string digest, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"cake-multiarch-blob-{Guid.NewGuid():N}");
        try
        {
            var blob = await OpenAsync(source, digest, cancellationToken).ConfigureAwait(false);
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

    private async Task PutAsync(ImageReference repository, string digest, Func<Stream> open, Uri? session, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            var start = transport.UploadsUri(repository);
            var (status, location) = await transport.SendAsync(
                new RegistryRequest(HttpMethod.Post, start, repository, [], $"upload of blob '{digest}'") { Scope = PushScope, ExtraScopes = scopes },
                (response, _) => RegistryResponses.StatusAndLocation(response, start),
                cancellationToken).ConfigureAwait(false);
            session = location ?? throw NoLocation(start, status);
        }

        var put = new Uri(session + (string.IsNullOrEmpty(session.Query) ? "?" : "&") + "digest=" + Uri.EscapeDataString(digest));
        var reported = await transport.SendAsync(
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
                Timeout = transport.Options.LayerTimeout,
            },
            RegistryResponses.ReportedDigest,
            cancellationToken).ConfigureAwait(false);
        if (reported is not null && reported != digest)
        {
            throw new CakeException($"PUT {put.GetLeftPart(UriPartial.Path)} stored the blob as {reported}; expected {digest}.");
        }
    }
}
