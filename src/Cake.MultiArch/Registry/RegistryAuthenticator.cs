using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// Auth for the transport: the credential of each registry (asked once: a credential helper is a
/// process), basic credentials, bearer-token challenges and token exchanges (bounded by the
/// request's own time limit), and the Authorization header each scope earned.
/// </summary>
/// <param name="http">The HTTP client the token exchanges go through.</param>
/// <param name="options">The options (credential, credential provider, largest token answer).</param>
internal sealed class RegistryAuthenticator(HttpClient http, RegistryClientOptions options)
{
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _auth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RegistryCredential?> _credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the credential for a repository's registry (asked once per registry).</summary>
    /// <param name="repository">The repository.</param>
    /// <returns>The credential, or <see langword="null"/> for anonymous access.</returns>
    public RegistryCredential? CredentialFor(ImageReference repository) =>
        options.Credential ?? (options.CredentialProvider is { } provider
            ? _credentials.GetOrAdd(repository.Registry, registry => provider(registry))
            : null);

    /// <summary>Gets the header a scope earned earlier, if any.</summary>
    /// <param name="scopeKey">The registry and scopes.</param>
    /// <returns>The header, or <see langword="null"/>.</returns>
    public AuthenticationHeaderValue? HeaderFor(string scopeKey) => _auth.TryGetValue(scopeKey, out var header) ? header : null;

    /// <summary>Keeps the header a scope earned, for the next requests of that scope.</summary>
    /// <param name="scopeKey">The registry and scopes.</param>
    /// <param name="header">The header.</param>
    public void Remember(string scopeKey, AuthenticationHeaderValue header) => _auth[scopeKey] = header;

    /// <summary>Answers a challenge: basic credentials, or a bearer token for the request's own scopes.</summary>
    /// <param name="challenge">The WWW-Authenticate challenge, or <see langword="null"/>.</param>
    /// <param name="original">The request that was challenged.</param>
    /// <param name="uri">The address that was challenged, for messages.</param>
    /// <param name="state">Where the try is (the token endpoint while it is asked).</param>
    /// <param name="cancellationToken">The try's token.</param>
    /// <returns>The header to send, or <see langword="null"/> when the challenge cannot be answered.</returns>
    public async Task<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationHeaderValue? challenge, RegistryRequest original, Uri uri, RequestState state, CancellationToken cancellationToken)
    {
        if (challenge is null)
        {
            return null;
        }

        var credential = CredentialFor(original.Repository);
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

        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw new CakeException($"GET {uri} asked for a bearer token from realm '{realm}'; expected an absolute http or https address. The registry's auth configuration is wrong.");
        }

        parameters.TryGetValue("service", out var service);
        return await ExchangeAsync(realm, realmUri, service, original, credential, state, cancellationToken).ConfigureAwait(false);
    }

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
            result[key] = i < parameter.Length && parameter[i] == '"' ? Quoted(parameter, ref i) : Plain(parameter, ref i);
        }

        return result;
    }

    private static string Quoted(string parameter, ref int i)
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
        return sb.ToString();
    }

    private static string Plain(string parameter, ref int i)
    {
        var end = parameter.IndexOf(',', i);
        var value = (end < 0 ? parameter[i..] : parameter[i..end]).Trim();
        i = end < 0 ? parameter.Length : end;
        return value;
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private async Task<AuthenticationHeaderValue> ExchangeAsync(string realm, Uri realmUri, string? service, RegistryRequest original, RegistryCredential? credential, RequestState state, CancellationToken cancellationToken)
    {
        var scopes = original.Scopes;
        var query = new StringBuilder();
        if (service is not null)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        // The request's own scopes (pull for reads), whatever the challenge asks.
        foreach (var scope in scopes)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        var tokenUri = new Uri(realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
        var refresh = credential?.IdentityToken is { Length: > 0 } refreshToken ? refreshToken : null;
        using var request = refresh is not null
            ? new HttpRequestMessage(HttpMethod.Post, realmUri)
            {
                // docker login's identity token is an OAuth2 refresh token: exchange it (distribution's token spec, "oauth").
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token",
                    ["refresh_token"] = refresh,
                    ["service"] = service ?? string.Empty,
                    ["scope"] = string.Join(' ', scopes),
                    ["client_id"] = "cake-multiarch",
                }),
            }
            : new HttpRequestMessage(HttpMethod.Get, tokenUri);
        if (credential is not null && refresh is null)
        {
            request.Headers.Authorization = Basic(credential);
        }

        // The token exchange runs under the try's own time limit: the message names its host.
        var shown = refresh is null ? tokenUri : realmUri;
        state.Current = shown;
        state.What = $"bearer token for {original.Repository.Registry}";
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryResponses.FailureAsync(request.Method, shown, response, original.Repository, CredentialFor(original.Repository), cancellationToken).ConfigureAwait(false);
        }

        return await ReadTokenAsync(response, $"{request.Method} {shown.GetLeftPart(UriPartial.Path)}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<AuthenticationHeaderValue> ReadTokenAsync(HttpResponseMessage response, string endpoint, CancellationToken cancellationToken)
    {
        var body = await RegistryResponses.ReadAtMostAsync(response, options.MaxDocumentBytes + 1, cancellationToken).ConfigureAwait(false);
        var expected = "expected a JSON object with 'token' or 'access_token'";
        if (body.Length > options.MaxDocumentBytes)
        {
            throw new CakeException($"{endpoint} returned more than {options.MaxDocumentBytes} bytes; {expected}.");
        }

        string? token;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            token = root.ValueKind != JsonValueKind.Object
                ? throw new CakeException($"{endpoint} returned a JSON {root.ValueKind.ToString().ToLowerInvariant()}; {expected}.")
                : Text(root, "token") ?? Text(root, "access_token");
        }
        catch (JsonException ex)
        {
            throw new CakeException($"{endpoint} returned '{response.Content.Headers.ContentType?.MediaType}' that is not JSON ({ex.Message}); {expected}. Check the realm in the registry's WWW-Authenticate header (a proxy or login page answering in its place does this).", ex);
        }

        return string.IsNullOrEmpty(token)
            ? throw new CakeException($"{endpoint} returned no token; {expected}.")
            : new AuthenticationHeaderValue("Bearer", token);

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
