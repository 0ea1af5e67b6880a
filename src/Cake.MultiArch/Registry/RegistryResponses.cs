using System.Net;
using System.Text;
using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Json;

namespace Cake.MultiArch.Registry;

/// <summary>Reading what a registry answered: bounded bodies, the error a refusal becomes, the digest and location headers.</summary>
internal static class RegistryResponses
{
    /// <summary>How much of an error body is read (a registry error is a few hundred bytes; a 404 page may be 200 MB).</summary>
    internal const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>The header every registry of the distribution API sends (<c>registry/2.0</c>); a plain web server does not.</summary>
    internal const string ApiVersionHeader = "Docker-Distribution-API-Version";

    /// <summary>Makes the error for a refused request: <c>METHOD URI returned STATUS: registry error codes</c>, and a hint for 401 and 404.</summary>
    /// <param name="method">The method.</param>
    /// <param name="uri">The address.</param>
    /// <param name="response">The response.</param>
    /// <param name="repository">The repository.</param>
    /// <param name="credential">The credential used for its registry, or <see langword="null"/> (its user is named, never its secret).</param>
    /// <param name="cancellationToken">Cancels the read of the body.</param>
    /// <returns>The exception, its status in <c>Data["StatusCode"]</c>.</returns>
    public static async Task<CakeException> FailureAsync(HttpMethod method, Uri uri, HttpResponseMessage response, ImageReference repository, RegistryCredential? credential, CancellationToken cancellationToken)
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

        var codes = ErrorCodes(body);
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => credential is { } c
                ? $" The credential for '{repository.Registry}' (user '{c.Username}') was refused."
                : $" No credential is set for '{repository.Registry}': set Username/Password, or docker login.",
            HttpStatusCode.NotFound when codes.Length == 0 && !response.Headers.Contains(ApiVersionHeader) =>
                $" '{repository.Registry}' answered like a web server, not a container registry (no {ApiVersionHeader} header, no registry error in the body); expected the OCI distribution API under /v2/. Check the registry's address (host and port) in '{repository}'.",
            HttpStatusCode.NotFound => $" Check the repository and tag of '{repository}'.",
            _ => string.Empty,
        };
        var exception = new CakeException($"{method} {uri} returned {status}{(codes.Length > 0 ? ": " + codes : string.Empty)}.{hint}");
        exception.Data["StatusCode"] = response.StatusCode;
        return exception;
    }

    /// <summary>Reads a manifest's, config's or small blob's body, refusing one over <paramref name="maxBytes"/>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="uri">The address, for messages.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body.</returns>
    public static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, Uri uri, long maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            throw new CakeException($"GET {uri} returned {length} bytes; a manifest or config over {maxBytes} bytes is refused.");
        }

        var bytes = await ReadAtMostAsync(response, maxBytes + 1, cancellationToken).ConfigureAwait(false);
        return bytes.Length > maxBytes
            ? throw new CakeException($"GET {uri} returned more than {maxBytes} bytes; a manifest or config that large is refused.")
            : bytes;
    }

    /// <summary>Reads a body, at most <paramref name="limit"/> bytes of it (a cut body throws an <see cref="IOException"/>, which is retried).</summary>
    /// <param name="response">The response.</param>
    /// <param name="limit">How many bytes at most.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes read.</returns>
    public static async Task<byte[]> ReadAtMostAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
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

    /// <summary>Reads the digest a registry says it stored (<c>Docker-Content-Digest</c>) and disposes the response.</summary>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Not used.</param>
    /// <returns>The digest, or <see langword="null"/> when the header is missing.</returns>
    public static Task<string?> ReportedDigest(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return Task.FromResult(response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null);
        }
    }

    /// <summary>Reads the status and the (absolute) Location of an upload step and disposes the response.</summary>
    /// <param name="response">The response.</param>
    /// <param name="request">The address asked, a relative Location is resolved against it.</param>
    /// <returns>The status and location.</returns>
    public static Task<(HttpStatusCode Status, Uri? Location)> StatusAndLocation(HttpResponseMessage response, Uri request)
    {
        using (response)
        {
            var location = response.Headers.Location is { } l ? l.IsAbsoluteUri ? l : new Uri(request, l) : null;
            return Task.FromResult((response.StatusCode, location));
        }
    }

    private static string ErrorCodes(string body)
    {
        try
        {
            var errors = JsonSerializer.Deserialize(body, MultiArchJsonContext.Default.RegistryErrors)?.Errors;
            if (errors is { Count: > 0 })
            {
                return string.Join("; ", errors.Where(e => e is not null).Select(e => $"{e.Code}: {e.Message}"));
            }
        }
        catch (JsonException)
        {
        }

        return string.Empty;
    }
}
