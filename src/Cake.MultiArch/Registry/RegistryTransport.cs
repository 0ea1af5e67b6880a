using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// The one way every registry request goes (as dotnet/sdk's registry code sends through one
/// client): addresses (plain HTTP only for loopback or listed registries), a time limit on the
/// whole request and a shorter one per try, retries on 429/5xx honouring Retry-After, auth
/// challenges answered once, redirects that never carry Authorization to another host, and the
/// error texts of each way a request fails.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    /// <summary>How many redirects one request follows.</summary>
    internal const int MaxRedirects = 5;

    private readonly RegistryClientOptions _options;
    private readonly HttpMessageHandler? _handler;

    // Made on the first request: a client that is made and never asked (a check that needed no
    // registry after all, invalid settings) builds no HttpClient, no handler and no authenticator.
    private readonly Lazy<(HttpClient Http, RegistryAuthenticator Auth)> _connection;

    /// <summary>Initializes a new instance of the <see cref="RegistryTransport"/> class.</summary>
    /// <param name="options">The options (validated by the caller).</param>
    /// <param name="handler">The HTTP handler (tests pass their own; disposed with the transport), or <see langword="null"/> for the shared pool.</param>
    public RegistryTransport(RegistryClientOptions options, HttpMessageHandler? handler)
    {
        _options = options;
        _handler = handler;
        _connection = new(Connect);
    }

    /// <summary>Gets the options.</summary>
    public RegistryClientOptions Options => _options;

    /// <summary>Gets a value indicating whether the HTTP client has been made (on the first request).</summary>
    internal bool IsConnected => _connection.IsValueCreated;

    /// <summary>Gets or sets how the transport waits between tries (a seam for tests).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    /// <summary>Formats a time limit for messages: <c>30 s</c>, <c>1.5 s</c>, <c>500 ms</c>.</summary>
    /// <param name="value">The time.</param>
    /// <returns>The text.</returns>
    internal static string Seconds(TimeSpan value) => value == System.Threading.Timeout.InfiniteTimeSpan
        ? "no limit"
        : value.TotalSeconds >= 1
            ? value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
            : value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>Gets whether a registry is reached over plain HTTP: loopback hosts and listed ones.</summary>
    /// <param name="registry">The registry host with its port.</param>
    /// <returns><see langword="true"/> for plain HTTP.</returns>
    public bool IsPlainHttp(string registry)
    {
        if (_options.InsecureRegistries.Contains(registry, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = registry.StartsWith('[') ? registry[1..registry.IndexOf(']', StringComparison.Ordinal)] : registry.Split(':')[0];
        return host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>Builds an API address, refusing a reference that is neither a tag nor a digest (a hostile index could hold <c>../</c>).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="kind"><c>manifests</c> or <c>blobs</c>.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="digestOnly">Whether only a digest is accepted (blobs).</param>
    /// <returns>The address.</returns>
    public Uri BuildUri(ImageReference repository, string kind, string reference, bool digestOnly = false)
    {
        var valid = RegistryClient.IsDigest(reference) || (!digestOnly && reference is not null && RegistryPatterns.Tag().IsMatch(reference));
        if (!valid)
        {
            throw new CakeException($"Registry: '{reference}' is not a {(digestOnly ? "digest" : "tag or digest")} for {repository}/{kind}; expected {(digestOnly ? string.Empty : "a tag of [A-Za-z0-9_.-] or ")}'sha256:' followed by 64 hex digits.");
        }

        return new($"{Scheme(repository)}://{repository.ApiHost}/v2/{repository.Repository}/{kind}/{reference}");
    }

    /// <summary>Builds the address upload sessions start at.</summary>
    /// <param name="repository">The repository.</param>
    /// <returns>The address.</returns>
    public Uri UploadsUri(ImageReference repository) =>
        new($"{Scheme(repository)}://{repository.ApiHost}/v2/{repository.Repository}/blobs/uploads/");

    /// <summary>
    /// Sends a request with the whole policy: a time limit on the whole request (every try, wait,
    /// token exchange and the body <paramref name="read"/> reads), a shorter limit per try, retries
    /// on 429/5xx (Retry-After honoured), connection failures, cut bodies and unanswered tries,
    /// auth challenges and redirects. Writes use it with their own <see cref="RegistryRequest.Scope"/>
    /// and <see cref="RegistryRequest.Content"/>.
    /// </summary>
    /// <typeparam name="T">What <paramref name="read"/> makes of a successful response.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="read">Reads a 2xx response (it owns the response: dispose it, or hand it to what it returns); its token ends with the try.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What <paramref name="read"/> returned.</returns>
    /// <exception cref="CakeException">The registry refused, failed every try, or did not answer in time (the message names the method, address and host).</exception>
    public async Task<T> SendAsync<T>(RegistryRequest request, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var total = request.Timeout ?? _options.Timeout;
        // An upload with a limit of its own (a layer's PUT) may take as long as that limit in one
        // try: the per-try limit is for requests whose answer should come at once.
        var perTry = (request.Content is not null && request.Timeout is not null) || (total < _options.AttemptTimeout && total != System.Threading.Timeout.InfiniteTimeSpan) ? total : _options.AttemptTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(total);
        var clock = Stopwatch.StartNew();
        var limits = new Limits(request, new RequestState(request.Uri, request.What), deadline, total, perTry);
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await TryAsync(limits, read, attempt, cancellationToken).ConfigureAwait(false);
            if (outcome.Done)
            {
                return outcome.Value!;
            }

            var wait = outcome.Wait ?? RetryDelay(null, attempt);
            var left = total == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : total - clock.Elapsed;
            if (wait >= left)
            {
                throw new CakeException($"{request.Method} {limits.State.Current} gave up for {request.Repository.Registry} after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}: the next try would wait {Seconds(wait)}, past the request timeout of {Seconds(total)} (last: {Describe(outcome.Failure!)}). Raise RequestTimeout, or try again when the registry is less busy.", outcome.Failure);
            }

            try
            {
                await Delay(wait, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(limits, attempt, ex);
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

    /// <inheritdoc />
    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Http.Dispose();
        }
        else
        {
            _handler?.Dispose();
        }
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

    private static CakeException TimedOut(Limits limits, int attempt, Exception inner)
    {
        var (request, state) = (limits.Request, limits.State);
        return new($"{request.Method} {state.Current} ({state.What}) timed out for {state.Current.Authority}; expected an answer within {Seconds(limits.Total)} (RequestTimeout; {Seconds(limits.PerTry)} per try), found none after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}. Check that {state.Current.Authority} is up and serves the registry API, or raise RequestTimeout.", inner);
    }

    private string Scheme(ImageReference repository) => IsPlainHttp(repository.Registry) ? "http" : "https";

    /// <summary>One try under its own time limit: the answer read, or what to wait before the next try, or the error that ends the request.</summary>
    private async Task<Attempt<T>> TryAsync<T>(Limits limits, Func<HttpResponseMessage, CancellationToken, Task<T>> read, int attempt, CancellationToken cancellationToken)
    {
        var (request, state) = (limits.Request, limits.State);
        using var tryToken = CancellationTokenSource.CreateLinkedTokenSource(limits.Deadline.Token);
        tryToken.CancelAfter(limits.PerTry);
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
                    return new Attempt<T>(true, await read(ok, tryToken.Token).ConfigureAwait(false), null, null);
                }
                catch
                {
                    ok.Dispose();
                    throw;
                }
            }

            if (!IsRetryable(response.StatusCode) || attempt >= _options.MaxAttempts)
            {
                throw await RegistryResponses.FailureAsync(request.Method, state.Current, response, request.Repository, Auth.CredentialFor(request.Repository), tryToken.Token).ConfigureAwait(false);
            }

            return new Attempt<T>(false, default, RetryDelay(response, attempt), new CakeException($"{request.Method} {state.Current} returned {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A try that had the whole request's time (PerTry == Total) ends the request even when
            // its own timer fires a moment before the deadline's.
            return limits.Deadline.IsCancellationRequested || attempt >= _options.MaxAttempts || (limits.Total != System.Threading.Timeout.InfiniteTimeSpan && limits.PerTry >= limits.Total)
                ? throw TimedOut(limits, attempt, ex)
                : new Attempt<T>(false, default, null, ex);
        }
        catch (Exception ex) when (IsTransient(ex) && attempt < _options.MaxAttempts)
        {
            return new Attempt<T>(false, default, null, ex);
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

            message.Headers.Authorization = sameHost ? Auth.HeaderFor(scopeKey) : null;
            var response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && sameHost && !triedAuth)
            {
                triedAuth = true;
                if (await AnswerChallengeAsync(response, request, state, current, scopeKey, cancellationToken).ConfigureAwait(false))
                {
                    hop--;
                    continue;
                }
            }

            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                current = Redirect(request, origin, current, location, hop, ref sameHost);
                continue;
            }

            return response;
        }
    }

    /// <summary>Answers a 401's challenge; when a header was earned, the 401 is disposed and the request is sent again.</summary>
    private async Task<bool> AnswerChallengeAsync(HttpResponseMessage response, RegistryRequest request, RequestState state, Uri current, string scopeKey, CancellationToken cancellationToken)
    {
        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
        AuthenticationHeaderValue? header;
        try
        {
            header = await Auth.AuthenticateAsync(challenge, request, request.Uri, state, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        state.Current = current;
        state.What = request.What;
        if (header is null)
        {
            return false;
        }

        response.Dispose();
        Auth.Remember(scopeKey, header);
        return true;
    }

    private static Uri Redirect(RegistryRequest request, Uri origin, Uri current, Uri location, int hop, ref bool sameHost)
    {
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
        return next;
    }

    /// <summary>The limits of one request and where it is.</summary>
    private sealed record Limits(RegistryRequest Request, RequestState State, CancellationTokenSource Deadline, TimeSpan Total, TimeSpan PerTry);

    /// <summary>How a try ended: done with a value, or to be tried again after a wait (null: backoff), with the failure for messages.</summary>
    private readonly record struct Attempt<T>(bool Done, T? Value, TimeSpan? Wait, Exception? Failure);

    private HttpClient Http => _connection.Value.Http;

    private RegistryAuthenticator Auth => _connection.Value.Auth;

    private (HttpClient Http, RegistryAuthenticator Auth) Connect()
    {
        var http = _handler is null
            ? new HttpClient(SharedPool.Handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }
            : new HttpClient(_handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        return (http, new RegistryAuthenticator(http, _options));
    }

    /// <summary>
    /// One connection pool for the whole Cake run (as IHttpClientFactory would): a build that
    /// verifies many tags reuses its connections instead of opening new ones per alias call. Made
    /// when the first client of the run makes its first request.
    /// </summary>
    private static class SharedPool
    {
        public static readonly SocketsHttpHandler Handler = NewHandler();
    }

    /// <summary>Makes a handler configured as the run's shared pool is (the rehearsals give theirs an in-memory connection).</summary>
    /// <returns>The handler.</returns>
    internal static SocketsHttpHandler NewHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };
}
