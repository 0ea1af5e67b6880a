using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>What the registry served for a manifest, its digest verified.</summary>
/// <param name="MediaType">The Content-Type it was served with.</param>
/// <param name="Digest">The sha256 digest of the bytes.</param>
/// <param name="Bytes">The manifest bytes.</param>
public sealed record ManifestResult(string MediaType, string Digest, byte[] Bytes)
{
    /// <summary>Gets whether this is an index or manifest list.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>Reads the bytes as an index.</summary>
    /// <returns>The index.</returns>
    public ImageIndex ToIndex() => JsonSerializer.Deserialize<ImageIndex>(Bytes) ?? new ImageIndex();

    /// <summary>Reads the bytes as an image manifest.</summary>
    /// <returns>The manifest.</returns>
    public ImageManifest ToManifest() => JsonSerializer.Deserialize<ImageManifest>(Bytes) ?? new ImageManifest();
}

/// <summary>The seam between verification policy and HTTP: what VerifyManifest asks of a registry.</summary>
public interface IRegistryClient
{
    /// <summary>Gets a manifest or index by tag or digest, with an explicit Accept list, and verifies its digest.</summary>
    /// <param name="repository">The repository (registry and path; its tag or digest is not used).</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest.</returns>
    Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>Asks whether a manifest exists (HEAD), with the same Accept list, without its body.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Its descriptor (media type, digest from Docker-Content-Digest, size), or <see langword="null"/> when the registry has no such manifest.</returns>
    Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>Gets a small blob (a config) whole, and verifies its digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bytes.</returns>
    Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob (a layer) as a stream; reading it to the end verifies the digest (a mismatch throws).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stream; dispose it.</returns>
    Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);
}

/// <summary>Options of the <see cref="RegistryClient"/>.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>Gets or sets the credential to use for every registry; when <see langword="null"/>, <see cref="CredentialProvider"/> is asked.</summary>
    public RegistryCredential? Credential { get; set; }

    /// <summary>Gets or sets where credentials come from per registry host (default: none, anonymous).</summary>
    public Func<string, RegistryCredential?>? CredentialProvider { get; set; }

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>Gets or sets how many times a request is tried on 429, 5xx or a connection failure. Default: 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Gets or sets the first retry's wait (doubled each time) when the registry sends no Retry-After. Default: 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest wait between tries, Retry-After included. Default: 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the timeout of one request. Default: 100 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Gets or sets the largest manifest or config accepted. Default: 4 MiB (the distribution spec's manifest limit).</summary>
    public long MaxDocumentBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// A small OCI distribution client over HttpClient: manifests and blobs with explicit Accept
/// lists and digest checks, anonymous/basic/bearer-token auth (pull scope only), plain HTTP only
/// for loopback or listed registries, bounded retries honouring Retry-After, and redirects that
/// never carry the Authorization header to another host.
/// </summary>
public sealed partial class RegistryClient : IRegistryClient, IDisposable
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="RegistryClient"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="handler">The HTTP handler (tests pass their own); redirects must not be followed by it.</param>
    public RegistryClient(RegistryClientOptions options, HttpMessageHandler? handler = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        // One connection pool for the whole Cake run (as IHttpClientFactory would): a build that
        // verifies many tags reuses its connections instead of opening new ones per alias call.
        _http = handler is null
            ? new HttpClient(SharedHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static readonly SocketsHttpHandler SharedHandler = new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Gets or sets how the client waits between tries (a seam for tests).</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <inheritdoc />
    public async Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "manifests", reference);
        using var response = await SendAsync(HttpMethod.Get, uri, repository, MediaTypes.ManifestAccept, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadLimitedAsync(response, uri, cancellationToken).ConfigureAwait(false);
        var digest = Sha256(bytes);
        if (reference.StartsWith("sha256:", StringComparison.Ordinal) && digest != reference)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}; expected {reference}. The registry or a proxy altered the manifest.");
        }

        if (response.Headers.TryGetValues("Docker-Content-Digest", out var headers) && headers.FirstOrDefault() is { } header && header.StartsWith("sha256:", StringComparison.Ordinal) && header != digest)
        {
            throw new CakeException($"GET {uri} returned content whose digest is {digest}, but its Docker-Content-Digest header says {header}.");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!MediaTypes.IsIndex(mediaType) && !MediaTypes.IsManifest(mediaType))
        {
            // Some registries serve application/json: fall back to the document's own mediaType.
            using var document = JsonDocument.Parse(bytes);
            mediaType = document.RootElement.TryGetProperty("mediaType", out var mt) ? mt.GetString() : null;
            if (!MediaTypes.IsIndex(mediaType) && !MediaTypes.IsManifest(mediaType))
            {
                throw new CakeException($"GET {uri} returned Content-Type '{response.Content.Headers.ContentType?.MediaType}', which is not one of the requested {string.Join(", ", MediaTypes.ManifestAccept)}.");
            }
        }

        return new ManifestResult(mediaType!, digest, bytes);
    }

    /// <inheritdoc />
    public async Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var uri = BuildUri(repository, "manifests", reference);
        try
        {
            using var response = await SendAsync(HttpMethod.Head, uri, repository, MediaTypes.ManifestAccept, cancellationToken).ConfigureAwait(false);
            var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
            return new Descriptor
            {
                MediaType = response.Content.Headers.ContentType?.MediaType,
                Digest = digest ?? (reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference : string.Empty),
                Size = response.Content.Headers.ContentLength ?? 0,
            };
        }
        catch (CakeException ex) when (ex.Data["StatusCode"] is HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        var uri = BuildUri(repository, "blobs", digest);
        using var response = await SendAsync(HttpMethod.Get, uri, repository, ["*/*"], cancellationToken).ConfigureAwait(false);
        var bytes = await ReadLimitedAsync(response, uri, cancellationToken).ConfigureAwait(false);
        var actual = Sha256(bytes);
        return actual == digest ? bytes : throw new CakeException($"GET {uri} returned content whose digest is {actual}; expected {digest}.");
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        var uri = BuildUri(repository, "blobs", digest);
        var response = await SendAsync(HttpMethod.Get, uri, repository, ["*/*"], cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new DigestVerifyingStream(stream, digest, uri.ToString(), response);
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

    private Uri BuildUri(ImageReference repository, string kind, string reference) =>
        new($"{(IsPlainHttp(repository.Registry) ? "http" : "https")}://{repository.ApiHost}/v2/{repository.Repository}/{kind}/{reference}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, ImageReference repository, IReadOnlyList<string> accept, CancellationToken cancellationToken, Func<HttpContent>? content = null, IReadOnlyList<string>? scopes = null)
    {
        // Reads ask for pull only; writes pass their push (and mount-source pull) scopes.
        scopes ??= [$"repository:{repository.Repository}:pull"];
        var scopeKey = repository.Registry + "/" + string.Join(' ', scopes);
        var current = uri;
        var sameHost = true;
        var triedAuth = false;
        for (var hop = 0; ; hop++)
        {
            var response = await SendWithRetriesAsync(method, current, accept, sameHost && _auth.TryGetValue(scopeKey, out var auth) ? auth : null, cancellationToken, content).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && sameHost && !triedAuth)
            {
                triedAuth = true;
                var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
                var header = await AuthenticateAsync(challenge, repository, uri, scopes, cancellationToken).ConfigureAwait(false);
                if (header is not null)
                {
                    response.Dispose();
                    _auth[scopeKey] = header;
                    hop--;
                    continue;
                }
            }

            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= MaxRedirects)
                {
                    throw new CakeException($"{method} {uri} was redirected more than {MaxRedirects} times.");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                sameHost &= string.Equals(next.Authority, uri.Authority, StringComparison.OrdinalIgnoreCase) && next.Scheme == uri.Scheme;
                current = next;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await FailureAsync(method, current, response, repository, cancellationToken).ConfigureAwait(false);
                }
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpMethod method, Uri uri, IReadOnlyList<string> accept, AuthenticationHeaderValue? auth, CancellationToken cancellationToken, Func<HttpContent>? content = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
            foreach (var type in accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            request.Headers.Authorization = auth;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            HttpResponseMessage? response = null;
            Exception? failure = null;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                failure = ex;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new TimeoutException($"{method} {uri} did not answer within {_options.Timeout.TotalSeconds:0} s.", ex);
            }

            var retryable = failure is not null || response!.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            if (!retryable)
            {
                return response!;
            }

            if (attempt >= _options.MaxAttempts)
            {
                if (failure is not null)
                {
                    throw new CakeException($"{method} {uri} failed after {attempt} attempts: {failure.Message}", failure);
                }

                return response!; // the caller turns the status into an error with the registry's codes
            }

            var wait = RetryDelay(response, attempt);
            response?.Dispose();
            await Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Computes the wait before the next try: Retry-After when sent, else exponential backoff; never more than MaxBackoff.</summary>
    /// <param name="response">The response, or <see langword="null"/> after a connection failure.</param>
    /// <param name="attempt">The attempt that just failed (1-based).</param>
    /// <returns>The wait.</returns>
    internal TimeSpan RetryDelay(HttpResponseMessage? response, int attempt)
    {
        TimeSpan wait;
        if (response?.Headers.RetryAfter is { } retryAfter)
        {
            wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.Zero);
        }
        else
        {
            wait = TimeSpan.FromTicks(_options.InitialBackoff.Ticks * (1L << Math.Min(attempt - 1, 20)));
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _options.MaxBackoff ? _options.MaxBackoff : wait;
    }

    private RegistryCredential? CredentialFor(ImageReference repository) =>
        _options.Credential ?? _options.CredentialProvider?.Invoke(repository.Registry);

    private async Task<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationHeaderValue? challenge, ImageReference repository, Uri uri, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (challenge is null)
        {
            return null;
        }

        var credential = CredentialFor(repository);
        if (string.Equals(challenge.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return credential is null ? null : Basic(credential);
        }

        if (!string.Equals(challenge.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parameters = ParseChallenge(challenge.Parameter ?? string.Empty);
        if (!parameters.TryGetValue("realm", out var realm))
        {
            throw new CakeException($"GET {uri} asked for a bearer token but its WWW-Authenticate header names no realm.");
        }

        var query = new StringBuilder();
        if (parameters.TryGetValue("service", out var service) && service is not null)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        // The caller's scopes only (pull for reads), whatever the challenge asks.
        foreach (var scope in scopes)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        var tokenUri = new Uri(realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
        using var request = credential?.IdentityToken is { Length: > 0 } refreshToken
            ? new HttpRequestMessage(HttpMethod.Post, new Uri(realm))
            {
                // docker login's identity token is an OAuth2 refresh token: exchange it (distribution's token spec, "oauth").
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token",
                    ["refresh_token"] = refreshToken,
                    ["service"] = service ?? string.Empty,
                    ["scope"] = string.Join(' ', scopes),
                    ["client_id"] = "cake-multiarch",
                }),
            }
            : new HttpRequestMessage(HttpMethod.Get, tokenUri);
        if (credential is not null && string.IsNullOrEmpty(credential.IdentityToken))
        {
            request.Headers.Authorization = Basic(credential);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(HttpMethod.Get, tokenUri, response, repository, cancellationToken).ConfigureAwait(false);
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var token = json.RootElement.TryGetProperty("token", out var t) ? t.GetString() : json.RootElement.TryGetProperty("access_token", out var a) ? a.GetString() : null;
        return string.IsNullOrEmpty(token)
            ? throw new CakeException($"GET {tokenUri.GetLeftPart(UriPartial.Path)} returned no token; expected a JSON object with 'token' or 'access_token'.")
            : new AuthenticationHeaderValue("Bearer", token);
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    /// <summary>Parses a challenge's parameters: <c>realm="…",service="…",scope="…"</c>.</summary>
    /// <param name="parameter">The parameter text after the scheme.</param>
    /// <returns>The parameters.</returns>
    internal static Dictionary<string, string> ParseChallenge(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i])))
            {
                i++;
            }

            var eq = parameter.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < parameter.Length && parameter[i] != '"')
                {
                    if (parameter[i] == '\\' && i + 1 < parameter.Length)
                    {
                        i++;
                    }

                    sb.Append(parameter[i++]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                value = (end < 0 ? parameter[i..] : parameter[i..end]).Trim();
                i = end < 0 ? parameter.Length : end;
            }

            result[key] = value;
        }

        return result;
    }

    private async Task<CakeException> FailureAsync(HttpMethod method, Uri uri, HttpResponseMessage response, ImageReference repository, CancellationToken cancellationToken)
    {
        var body = string.Empty;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
        }

        var codes = string.Empty;
        try
        {
            var errors = JsonSerializer.Deserialize<RegistryErrors>(body)?.Errors;
            if (errors is { Count: > 0 })
            {
                codes = string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"));
            }
        }
        catch (JsonException)
        {
        }

        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => CredentialFor(repository) is { } c
                ? $" The credential for '{repository.Registry}' (user '{c.Username}') was refused."
                : $" No credential is set for '{repository.Registry}': set Username/Password, or docker login.",
            HttpStatusCode.NotFound => $" Check the repository and tag of '{repository}'.",
            _ => string.Empty,
        };
        var exception = new CakeException($"{method} {uri} returned {status}{(codes.Length > 0 ? ": " + codes : string.Empty)}.{hint}");
        exception.Data["StatusCode"] = response.StatusCode;
        return exception;
    }

    private async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } length && length > _options.MaxDocumentBytes)
        {
            throw new CakeException($"GET {uri} returned {length} bytes; a manifest or config over {_options.MaxDocumentBytes} bytes is refused.");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // Manifests and configs are small and nearly always come with a Content-Length: read
            // them into an array of that size, not through a large scratch buffer.
            if (response.Content.Headers.ContentLength is { } known)
            {
                var exact = new byte[known];
                await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
                return exact;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > _options.MaxDocumentBytes)
                {
                    throw new CakeException($"GET {uri} returned more than {_options.MaxDocumentBytes} bytes; a manifest or config that large is refused.");
                }
            }

            return buffer.ToArray();
        }
    }

    /// <summary>Computes <c>sha256:HEX</c> of bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The digest.</returns>
    internal static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A read-only stream that hashes what passes and checks the digest at the end.</summary>
    private sealed class DigestVerifyingStream(Stream inner, string digest, string uri, IDisposable owner) : ReadOnlyStream(inner)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private bool _verified;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Inner.Dispose();
                owner.Dispose();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }

        protected override void OnRead(ReadOnlySpan<byte> data)
        {
            if (data.Length > 0)
            {
                _hash.AppendData(data);
                return;
            }

            if (!_verified)
            {
                _verified = true;
                var actual = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
                if (actual != digest)
                {
                    throw new CakeException($"GET {uri} returned content whose digest is {actual}; expected {digest}.");
                }
            }
        }
    }
}
