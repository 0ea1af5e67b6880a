using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>One registry request: what every read (and write) of the client goes through.</summary>
/// <param name="Method">The method.</param>
/// <param name="Uri">The address.</param>
/// <param name="Repository">The repository (its registry picks the credential; its path the token scope).</param>
/// <param name="Accept">The Accept list.</param>
/// <param name="What">What is asked for, for messages (<c>manifest 'sha256:…'</c>).</param>
internal sealed record RegistryRequest(HttpMethod Method, Uri Uri, ImageReference Repository, IReadOnlyList<string> Accept, string What)
{
    /// <summary>Gets the token scope's actions (<c>pull</c>; a write asks <c>pull,push</c>).</summary>
    public string Scope { get; init; } = "pull";

    /// <summary>
    /// Gets further token scopes, whole (<c>repository:other/app:pull</c>): a cross-repository
    /// blob mount also needs pull on its source. Default: none.
    /// </summary>
    public IReadOnlyList<string> ExtraScopes { get; init; } = [];

    /// <summary>Gets every token scope the request needs: its repository's, then <see cref="ExtraScopes"/>.</summary>
    public IReadOnlyList<string> Scopes => [$"repository:{Repository.Repository}:{Scope}", .. ExtraScopes];

    /// <summary>Gets the body, made anew for each try; <see langword="null"/> for none.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Gets the whole request's time limit; <see langword="null"/> for <see cref="RegistryClientOptions.Timeout"/>.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <content>The transport: time limits, retries, redirects and error texts.</content>
public sealed partial class RegistryClient
{
    /// <summary>How many redirects one request follows.</summary>
    internal const int MaxRedirects = 5;

    /// <summary>How much of an error body is read (a registry error is a few hundred bytes; a 404 page may be 200 MB).</summary>
    internal const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// Sends a request with the client's whole policy: a time limit on the whole request
    /// (every try, wait, token exchange and the body <paramref name="read"/> reads), a shorter
    /// limit per try, retries on 429/5xx (Retry-After honoured), connection failures, cut bodies
    /// and unanswered tries, auth challenges and redirects. Writes reuse it with their own
    /// <see cref="RegistryRequest.Scope"/> and <see cref="RegistryRequest.Content"/>.
    /// </summary>
    /// <typeparam name="T">What <paramref name="read"/> makes of a successful response.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="read">Reads a 2xx response (it owns the response: dispose it, or hand it to what it returns); its token ends with the try.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    /// <exception cref="CakeException">The registry refused, failed every try, or did not answer in time (the message names the method, address and host).</exception>
    internal async Task<T> SendAsync<T>(RegistryRequest request, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var total = request.Timeout ?? _options.Timeout;
        // An upload with a limit of its own (a layer's PUT) may take as long as that limit in one
        // try: the per-try limit is for requests whose answer should come at once.
        var perTry = (request.Content is not null && request.Timeout is not null) || (total < _options.AttemptTimeout && total != System.Threading.Timeout.InfiniteTimeSpan) ? total : _options.AttemptTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(total);
        var clock = Stopwatch.StartNew();
        var state = new RequestState(request.Uri, request.What);
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? wait = null;
            Exception? failure = null;
            using (var tryToken = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token))
            {
                tryToken.CancelAfter(perTry);
                HttpResponseMessage? response = null;
                try
                {
                    state.Reset(request.Uri, request.What);
                    response = await SendOnceAsync(request, state, tryToken.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        var ok = response;
                        response = null;
                        try
                        {
                            return await read(ok, tryToken.Token).ConfigureAwait(false);
                        }
                        catch
                        {
                            ok.Dispose();
                            throw;
                        }
                    }

                    if (!IsRetryable(response.StatusCode) || attempt >= _options.MaxAttempts)
                    {
                        throw await FailureAsync(request.Method, state.Current, response, request.Repository, tryToken.Token).ConfigureAwait(false);
                    }

                    wait = RetryDelay(response, attempt);
                    failure = new CakeException($"{request.Method} {state.Current} returned {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (deadline.IsCancellationRequested || attempt >= _options.MaxAttempts)
                    {
                        throw TimedOut(request, state, total, perTry, attempt, ex);
                    }

                    failure = ex;
                }
                catch (Exception ex) when (IsTransient(ex) && attempt < _options.MaxAttempts)
                {
                    failure = ex;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    throw new CakeException($"{request.Method} {state.Current} failed after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}: {Describe(ex)}. Check that {state.Current.Authority} is up and reachable (proxy, firewall, DNS), then run again.", ex);
                }
                finally
                {
                    response?.Dispose();
                }
            }

            wait ??= RetryDelay(null, attempt);
            var left = total == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : total - clock.Elapsed;
            if (wait.Value >= left)
            {
                throw new CakeException($"{request.Method} {state.Current} gave up for {request.Repository.Registry} after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}: the next try would wait {Seconds(wait.Value)}, past the request timeout of {Seconds(total)} (last: {Describe(failure!)}). Raise RequestTimeout, or try again when the registry is less busy.", failure);
            }

            try
            {
                await Delay(wait.Value, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(request, state, total, perTry, attempt, ex);
            }
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

    private static bool IsRetryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsTransient(Exception ex) =>
        ex is HttpRequestException or IOException
        || (ex is CakeException && ex.Data["StatusCode"] is HttpStatusCode status && IsRetryable(status));

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "no answer",
        HttpRequestException { InnerException: IOException io } http when !http.Message.Contains(io.Message, StringComparison.Ordinal) => $"{http.Message} ({io.Message})",
        _ => ex.Message,
    };

    /// <summary>Formats a time limit for messages: <c>30 s</c>, <c>1.5 s</c>, <c>500 ms</c>.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The text.</returns>
    internal static string Seconds(TimeSpan value) => value == System.Threading.Timeout.InfiniteTimeSpan
        ? "no limit"
        : value.TotalSeconds >= 1
            ? value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
            : value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static CakeException TimedOut(RegistryRequest request, RequestState state, TimeSpan total, TimeSpan perTry, int attempt, Exception inner) =>
        new($"{request.Method} {state.Current} ({state.What}) timed out for {state.Current.Authority}; expected an answer within {Seconds(total)} (RequestTimeout; {Seconds(perTry)} per try), found none after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}. Check that {state.Current.Authority} is up and serves the registry API, or raise RequestTimeout.", inner);

    /// <summary>One try: the request, an auth challenge answered once, and redirects (never carrying Authorization to another host).</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(RegistryRequest request, RequestState state, CancellationToken cancellationToken)
    {
        var scopeKey = $"{request.Repository.Registry}/{string.Join(' ', request.Scopes)}";
        var origin = request.Uri;
        var current = origin;
        var sameHost = true;
        var triedAuth = false;
        for (var hop = 0; ; hop++)
        {
            state.Current = current;
            using var message = new HttpRequestMessage(request.Method, current) { Content = request.Content?.Invoke() };
            foreach (var type in request.Accept)
            {
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            message.Headers.Authorization = sameHost && _auth.TryGetValue(scopeKey, out var auth) ? auth : null;
            var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && sameHost && !triedAuth)
            {
                triedAuth = true;
                var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
                AuthenticationHeaderValue? header;
                try
                {
                    header = await AuthenticateAsync(challenge, request, origin, state, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                state.Current = current;
                state.What = request.What;
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
                    throw new CakeException($"{request.Method} {origin} was redirected more than {MaxRedirects} times (the last to {current}); expected the content within {MaxRedirects} redirects. A redirect loop between the registry and its storage or proxy does this: check their configuration.");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (next.Scheme is not ("http" or "https"))
                {
                    throw new CakeException($"{request.Method} {current} redirected to '{next}'; expected an http or https address.");
                }

                sameHost &= string.Equals(next.Authority, origin.Authority, StringComparison.OrdinalIgnoreCase) && next.Scheme == origin.Scheme;
                current = next;
                continue;
            }

            return response;
        }
    }

    private async Task<CakeException> FailureAsync(HttpMethod method, Uri uri, HttpResponseMessage response, ImageReference repository, CancellationToken cancellationToken)
    {
        var body = string.Empty;
        try
        {
            var bytes = await ReadAtMostAsync(response, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            body = Encoding.UTF8.GetString(bytes);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status is the error; a body cut short or too slow adds nothing.
        }

        var codes = string.Empty;
        try
        {
            var errors = JsonSerializer.Deserialize<RegistryErrors>(body)?.Errors;
            if (errors is { Count: > 0 })
            {
                codes = string.Join("; ", errors.Where(e => e is not null).Select(e => $"{e.Code}: {e.Message}"));
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

        var bytes = await ReadAtMostAsync(response, _options.MaxDocumentBytes + 1, cancellationToken).ConfigureAwait(false);
        return bytes.Length > _options.MaxDocumentBytes
            ? throw new CakeException($"GET {uri} returned more than {_options.MaxDocumentBytes} bytes; a manifest or config that large is refused.")
            : bytes;
    }

    /// <summary>Reads a body, at most <paramref name="limit"/> bytes of it (a cut body throws an <see cref="IOException"/>, which is retried).</summary>
    private static async Task<byte[]> ReadAtMostAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // Manifests and configs are small and nearly always come with a Content-Length: read
            // them into an array of that size, not through a large scratch buffer.
            if (response.Content.Headers.ContentLength is { } known && known <= limit)
            {
                var exact = new byte[known];
                await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
                return exact;
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>Where a try is, for the message if it never ends: the address (a redirect's or token endpoint's) and what it asks for.</summary>
    private sealed class RequestState(Uri current, string what)
    {
        public Uri Current { get; set; } = current;

        public string What { get; set; } = what;

        public void Reset(Uri uri, string what)
        {
            Current = uri;
            What = what;
        }
    }
}
