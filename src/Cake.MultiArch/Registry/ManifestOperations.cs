using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>Manifest operations (dotnet/sdk's <c>DefaultManifestOperations</c>): get with an explicit Accept list and a digest check, head, and put byte for byte.</summary>
/// <param name="transport">The transport every request goes through.</param>
internal sealed class ManifestOperations(RegistryTransport transport)
{
    private const string PushScope = "pull,push";

    /// <summary>The most pages of one referrers list that are read (a guard against a registry whose Link header loops).</summary>
    private const int MaxReferrerPages = 100;

    /// <summary>Gets a manifest or index by tag or digest and verifies its digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest.</returns>
    public Task<ManifestResult> GetAsync(ImageReference repository, string reference, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "manifests", reference);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, MediaTypes.ManifestAccept, $"manifest '{reference}'");
        return transport.SendAsync(request, async (response, token) =>
        {
            using (response)
            {
                var bytes = await RegistryResponses.ReadLimitedAsync(response, uri, transport.Options.MaxDocumentBytes, token).ConfigureAwait(false);
                return ToManifestResult(response, uri, reference, bytes);
            }
        }, cancellationToken);
    }

    /// <summary>Asks whether a manifest exists (HEAD), with the same Accept list.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Its descriptor, or <see langword="null"/> when the registry has no such manifest.</returns>
    public async Task<Descriptor?> HeadAsync(ImageReference repository, string reference, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "manifests", reference);
        try
        {
            var request = new RegistryRequest(HttpMethod.Head, uri, repository, MediaTypes.ManifestAccept, $"manifest '{reference}'");
            return await transport.SendAsync(request, (response, _) =>
            {
                using (response)
                {
                    var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
                    return Task.FromResult<Descriptor?>(new Descriptor
                    {
                        MediaType = response.Content.Headers.ContentType?.MediaType,
                        Digest = digest ?? (RegistryClient.IsDigest(reference) ? reference : string.Empty),
                        Size = response.Content.Headers.ContentLength ?? 0,
                    });
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex) when (ex.Data["StatusCode"] is HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Lists the referrers of a digest through the referrers API (distribution-spec 1.1
    /// "Listing Referrers": <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>), following the
    /// <c>Link: &lt;…&gt;; rel="next"</c> pages.
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The subject's digest.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The descriptors of every page, or <see langword="null"/> when the registry answered 404 (it does not serve the API: the spec's signal to use the referrers tag schema).</returns>
    public async Task<IReadOnlyList<Descriptor>?> ReferrersAsync(ImageReference repository, string digest, CancellationToken cancellationToken)
    {
        var uri = transport.BuildUri(repository, "referrers", digest, digestOnly: true);
        var referrers = new List<Descriptor>();
        for (var page = 1; uri is not null; page++)
        {
            if (page > MaxReferrerPages)
            {
                throw new CakeException($"GET {uri}: the referrers list of {digest} in {repository.Registry}/{repository.Repository} goes on past {MaxReferrerPages} pages; expected a last page without a Link header. The registry's pagination loops.");
            }

            var current = uri;
            var request = new RegistryRequest(HttpMethod.Get, current, repository, [MediaTypes.OciIndex], $"referrers of '{digest}'");
            try
            {
                (var descriptors, uri) = await transport.SendAsync(request, async (response, token) =>
                {
                    using (response)
                    {
                        var bytes = await RegistryResponses.ReadLimitedAsync(response, current, transport.Options.MaxDocumentBytes, token).ConfigureAwait(false);
                        var index = OciJson.ReadIndex(bytes, $"the referrers list of {digest} (GET {current})");
                        return (index.Manifests, NextPage(response, current));
                    }
                }, cancellationToken).ConfigureAwait(false);
                referrers.AddRange(descriptors);
            }
            catch (CakeException ex) when (page == 1 && ex.Data["StatusCode"] is HttpStatusCode.NotFound)
            {
                return null;
            }
        }

        return referrers;
    }

    /// <summary>Puts manifest bytes under a digest or tag, byte for byte, and checks the digest the registry reports.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The digest or tag.</param>
    /// <param name="mediaType">The manifest's media type.</param>
    /// <param name="bytes">The exact bytes.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest's digest.</returns>
    public async Task<string> PutAsync(ImageReference repository, string reference, string mediaType, byte[] bytes, CancellationToken cancellationToken)
    {
        var digest = RegistryClient.Sha256(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && reference != digest)
        {
            throw new CakeException($"PUT {transport.BuildUri(repository, "manifests", reference)} refused before sending: the bytes' digest is {digest}, not {reference}.");
        }

        var uri = transport.BuildUri(repository, "manifests", reference);
        var reported = await transport.SendAsync(
            new RegistryRequest(HttpMethod.Put, uri, repository, [], $"manifest '{reference}'") { Scope = PushScope, Content = () => Bytes(bytes, mediaType) },
            RegistryResponses.ReportedDigest,
            cancellationToken).ConfigureAwait(false);
        if (reported is not null && reported != digest)
        {
            throw new CakeException($"PUT {uri} stored the manifest as {reported}; expected {digest}. The registry rewrote the manifest: it cannot be published byte for byte there.");
        }

        return digest;
    }

    // RFC 8288 Link header, rel="next"; a relative address is resolved against the page's, another host is refused.
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links)
        {
            var match = RegistryPatterns.NextLink().Match(link);
            if (match.Success)
            {
                var next = new Uri(current, match.Groups[1].Value);
                return next.Scheme == current.Scheme && next.Authority == current.Authority
                    ? next
                    : throw new CakeException($"GET {current} sent a Link to the next page on another host ({next.GetLeftPart(UriPartial.Authority)}); expected a page of the same registry ({current.GetLeftPart(UriPartial.Authority)}).");
            }
        }

        return null;
    }

    private static ByteArrayContent Bytes(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private static ManifestResult ToManifestResult(HttpResponseMessage response, Uri uri, string reference, byte[] bytes)
    {
        var digest = RegistryClient.Sha256(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && digest != reference)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}; expected {reference}. The registry or a proxy altered the manifest.");
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var headers) && headers.FirstOrDefault() is { } header && header.StartsWith("sha256:", StringComparison.Ordinal) && header != digest)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}, but its Docker-Content-Digest header says {header}.");
        }

        var served = response.Content.Headers.ContentType?.MediaType;
        var mediaType = MediaTypes.IsIndex(served) || MediaTypes.IsManifest(served) ? served : DocumentMediaType(uri, served, bytes);
        return new ManifestResult(mediaType!, digest, bytes);
    }

    // Some registries serve application/json: fall back to the document's own mediaType.
    private static string? DocumentMediaType(Uri uri, string? served, byte[] bytes)
    {
        string? mediaType;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            mediaType = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw new CakeException($"GET {uri} returned Content-Type '{served}' and a body that is not JSON ({ex.Message}); expected one of {string.Join(", ", MediaTypes.ManifestAccept)}. Check that the address is a registry, not a web page or proxy.", ex);
        }

        return MediaTypes.IsIndex(mediaType) || MediaTypes.IsManifest(mediaType)
            ? mediaType
            : throw new CakeException($"GET {uri} returned Content-Type '{served}', which is not one of the requested {string.Join(", ", MediaTypes.ManifestAccept)}.");
    }
}
