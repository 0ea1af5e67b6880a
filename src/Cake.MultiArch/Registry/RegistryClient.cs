using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// A small OCI distribution client over HttpClient: manifests and blobs with explicit Accept
/// lists and digest checks, anonymous/basic/bearer-token auth (pull scope only), plain HTTP only
/// for loopback or listed registries, bounded retries honouring Retry-After, redirects that
/// never carry the Authorization header to another host, and time limits on every request
/// (the whole transfer, token exchanges included) and on every read of a layer.
/// </summary>
/// <remarks>
/// Split by concern: this file holds the operations, <c>RegistryClient.Transport.cs</c> the
/// one <c>SendAsync</c> every request goes through (timeouts, retries, redirects, errors), and
/// <c>RegistryClient.Auth.cs</c> the challenges and token exchanges.
/// </remarks>
public sealed partial class RegistryClient : IRegistryClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RegistryCredential?> _credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="RegistryClient"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="handler">The HTTP handler (tests pass their own); redirects must not be followed by it.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is zero or negative.</exception>
    public RegistryClient(RegistryClientOptions options, HttpMessageHandler? handler = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        // One connection pool for the whole Cake run (as IHttpClientFactory would): a build that
        // verifies many tags reuses its connections instead of opening new ones per alias call.
        _http = handler is null
            ? new HttpClient(SharedHandler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }
            : new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private static readonly SocketsHttpHandler SharedHandler = new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Gets or sets how the client waits between tries (a seam for tests).</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <inheritdoc />
    public Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "manifests", reference);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, MediaTypes.ManifestAccept, $"manifest '{reference}'");
        return SendAsync(request, async (response, token) =>
        {
            using (response)
            {
                var bytes = await ReadLimitedAsync(response, uri, token).ConfigureAwait(false);
                return ToManifestResult(response, uri, reference, bytes);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "manifests", reference);
        try
        {
            var request = new RegistryRequest(HttpMethod.Head, uri, repository, MediaTypes.ManifestAccept, $"manifest '{reference}'");
            return await SendAsync(request, (response, _) =>
            {
                using (response)
                {
                    var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
                    return Task.FromResult<Descriptor?>(new Descriptor
                    {
                        MediaType = response.Content.Headers.ContentType?.MediaType,
                        Digest = digest ?? (IsDigest(reference) ? reference : string.Empty),
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

    /// <inheritdoc />
    public Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "blobs", digest, digestOnly: true);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, ["*/*"], $"blob {digest}");
        return SendAsync(request, async (response, token) =>
        {
            using (response)
            {
                var bytes = await ReadLimitedAsync(response, uri, token).ConfigureAwait(false);
                var actual = Sha256(bytes);
                return actual == digest ? bytes : throw DigestMismatch(uri, actual, digest);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "blobs", digest, digestOnly: true);
        var request = new RegistryRequest(HttpMethod.Get, uri, repository, ["*/*"], $"layer {digest}");
        return SendAsync(request, async (response, token) =>
        {
            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            return (Stream)new BlobReadStream(stream, response, digest, uri, _options.ReadIdleTimeout, _options.LayerTimeout);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>Gets whether a registry is reached over plain HTTP: loopback hosts and listed ones.</summary>
    /// <param name="registry">The registry host with its port.</param>
    /// <returns><see langword="true"/> for plain HTTP.</returns>
    internal bool IsPlainHttp(string registry)
    {
        if (_options.InsecureRegistries.Contains(registry, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']', StringComparison.Ordinal)] : registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Gets whether a text is a digest (<c>algorithm:encoded</c>, as the OCI descriptor spec defines it).</summary>
    /// <param name="value">The text.</param>
    /// <returns><see langword="true"/> for a digest.</returns>
    internal static bool IsDigest(string? value) => value is not null && DigestPattern().IsMatch(value);

    /// <summary>Builds an API address, refusing a reference that is neither a tag nor a digest (a hostile index could hold <c>../</c>).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="kind"><c>manifests</c> or <c>blobs</c>.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="digestOnly">Whether only a digest is accepted (blobs).</param>
    /// <returns>The address.</returns>
    internal Uri BuildUri(ImageReference repository, string kind, string reference, bool digestOnly = false)
    {
        var valid = IsDigest(reference) || (!digestOnly && reference is not null && TagPattern().IsMatch(reference));
        if (!valid)
        {
            throw new CakeException($"Registry: '{reference}' is not a {(digestOnly ? "digest" : "tag or digest")} for {repository}/{kind}; expected {(digestOnly ? string.Empty : "a tag of [A-Za-z0-9_.-] or ")}'sha256:' followed by 64 hex digits.");
        }

        return new($"{(IsPlainHttp(repository.Registry) ? "http" : "https")}://{repository.ApiHost}/v2/{repository.Repository}/{kind}/{reference}");
    }

    /// <summary>Computes <c>sha256:HEX</c> of bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The digest.</returns>
    internal static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The error for content whose digest is not the one asked for.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="actual">The digest of what arrived.</param>
    /// <param name="expected">The digest asked for.</param>
    /// <returns>The exception.</returns>
    internal static CakeException DigestMismatch(Uri uri, string actual, string expected) =>
        new($"GET {uri} returned content whose digest is {actual}; expected {expected}.");

    private static ManifestResult ToManifestResult(HttpResponseMessage response, Uri uri, string reference, byte[] bytes)
    {
        var digest = Sha256(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && digest != reference)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}; expected {reference}. The registry or a proxy altered the manifest.");
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var headers) && headers.FirstOrDefault() is { } header && header.StartsWith("sha256:", StringComparison.Ordinal) && header != digest)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}, but its Docker-Content-Digest header says {header}.");
        }

        var served = response.Content.Headers.ContentType?.MediaType;
        var mediaType = served;
        if (!MediaTypes.IsIndex(mediaType) && !MediaTypes.IsManifest(mediaType))
        {
            // Some registries serve application/json: fall back to the document's own mediaType.
            try
            {
                using var document = JsonDocument.Parse(bytes);
                mediaType = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            }
            catch (JsonException ex)
            {
                throw new CakeException($"GET {uri} returned Content-Type '{served}' and a body that is not JSON ({ex.Message}); expected one of {string.Join(", ", MediaTypes.ManifestAccept)}. Check that the address is a registry, not a web page or proxy.", ex);
            }

            if (!MediaTypes.IsIndex(mediaType) && !MediaTypes.IsManifest(mediaType))
            {
                throw new CakeException($"GET {uri} returned Content-Type '{served}', which is not one of the requested {string.Join(", ", MediaTypes.ManifestAccept)}.");
            }
        }

        return new ManifestResult(mediaType!, digest, bytes);
    }

    [GeneratedRegex("^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$")]
    private static partial Regex DigestPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
