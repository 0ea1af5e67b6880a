using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <content>Auth: basic credentials, bearer-token challenges and token exchanges (bounded by the request's own time limit).</content>
public sealed partial class RegistryClient
{
    // Asked once per registry: a credential helper is a process, not to be run again for every
    // challenge or error message.
    private RegistryCredential? CredentialFor(ImageReference repository) =>
        _options.Credential ?? (_options.CredentialProvider is { } provider
            ? _credentials.GetOrAdd(repository.Registry, registry => provider(registry))
            : null);

    private async Task<AuthenticationHeaderValue?> AuthenticateAsync(AuthenticationHeaderValue? challenge, RegistryRequest original, Uri uri, RequestState state, CancellationToken cancellationToken)
    {
        if (challenge is null)
        {
            return null;
        }

        var repository = original.Repository;
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

        if (!Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw new CakeException($"GET {uri} asked for a bearer token from realm '{realm}'; expected an absolute http or https address. The registry's auth configuration is wrong.");
        }

        var scopes = original.Scopes;
        var query = new StringBuilder();
        if (parameters.TryGetValue("service", out var service) && service is not null)
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
        state.What = $"bearer token for {repository.Registry}";
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(request.Method, shown, response, repository, cancellationToken).ConfigureAwait(false);
        }

        var body = await ReadAtMostAsync(response, _options.MaxDocumentBytes + 1, cancellationToken).ConfigureAwait(false);
        var endpoint = $"{request.Method} {shown.GetLeftPart(UriPartial.Path)}";
        var expected = "expected a JSON object with 'token' or 'access_token'";
        if (body.Length > _options.MaxDocumentBytes)
        {
            throw new CakeException($"{endpoint} returned more than {_options.MaxDocumentBytes} bytes; {expected}.");
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
}
