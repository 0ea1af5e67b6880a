using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// Finds registry credentials the way the docker CLI does: <c>credHelpers</c> for the registry,
/// then <c>credsStore</c>, then <c>auths</c> in <c>config.json</c> (in <c>$DOCKER_CONFIG</c> or
/// <c>~/.docker</c>). Helpers run as <c>docker-credential-NAME get</c>.
/// </summary>
internal sealed class DockerConfigCredentials
{
    /// <summary>The key Docker Hub's credentials are stored under.</summary>
    public const string DockerHubKey = "https://index.docker.io/v1/";

    private readonly string _configFile;

    /// <summary>Initializes a new instance of the <see cref="DockerConfigCredentials"/> class.</summary>
    /// <param name="configDirectory">The docker config folder; <see langword="null"/> for <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>.</param>
    public DockerConfigCredentials(string? configDirectory = null)
    {
        var dir = configDirectory
            ?? Environment.GetEnvironmentVariable("DOCKER_CONFIG")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        _configFile = Path.Combine(dir, "config.json");
    }

    /// <summary>Gets or sets the folder the <c>docker-credential-*</c> helpers are taken from (a seam for tests); <see langword="null"/> for PATH.</summary>
    internal string? HelperDirectory { get; set; }

    /// <summary>Gets the alias named in error messages. Default: <c>VerifyManifest</c>.</summary>
    public string Alias { get; init; } = "VerifyManifest";

    /// <summary>Finds the credential for a registry host.</summary>
    /// <param name="registry">The registry host (<c>docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</param>
    /// <returns>The credential, or <see langword="null"/> for anonymous access.</returns>
    /// <exception cref="CakeException">config.json is not valid JSON or has a value of the wrong type, an <c>auth</c> value is not base64 of <c>user:password</c>, or a helper failed other than "not found" (no message ever holds a secret or a helper's output).</exception>
    public RegistryCredential? Find(string registry)
    {
        if (!File.Exists(_configFile))
        {
            return null;
        }

        using var document = Read();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(null, "the whole file", root, "an object");
        }

        var serverKey = registry == ImageReference.DefaultRegistry ? DockerHubKey : registry;
        if (FromHelpers(root, serverKey, out var helped))
        {
            return helped;
        }

        if (Member(root, "credsStore", JsonValueKind.String) is { } store && store.GetString() is { Length: > 0 } storeName && RunHelper(storeName, serverKey) is { } stored)
        {
            return stored;
        }

        return Member(root, "auths", JsonValueKind.Object) is { } auths ? FromAuths(auths, serverKey) : null;
    }

    private JsonDocument Read()
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(_configFile));
        }
        catch (JsonException ex)
        {
            // JsonException's text can quote a character of the file (of a secret): give the position only.
            throw new CakeException($"{Alias}: the docker config '{_configFile}' is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); expected the object docker login writes. Fix or delete the file, or set UseDockerConfig = false.", ex);
        }
        catch (IOException ex)
        {
            throw new CakeException($"{Alias}: the docker config '{_configFile}' could not be read ({ex.Message}). Check its permissions, or set UseDockerConfig = false.", ex);
        }
    }

    // credHelpers names a helper for this registry: its answer is final, "not found" included.
    private bool FromHelpers(JsonElement root, string serverKey, out RegistryCredential? credential)
    {
        credential = null;
        if (Member(root, "credHelpers", JsonValueKind.Object) is not { } helpers)
        {
            return false;
        }

        foreach (var helper in helpers.EnumerateObject())
        {
            if (Normalise(helper.Name) == Normalise(serverKey))
            {
                var name = helper.Value.ValueKind == JsonValueKind.String ? helper.Value.GetString() : throw WrongType($"credHelpers.{helper.Name}", helper.Name, helper.Value, "a helper name (a string)");
                if (!string.IsNullOrEmpty(name))
                {
                    credential = RunHelper(name, serverKey);
                    return true;
                }
            }
        }

        return false;
    }

    private RegistryCredential? FromAuths(JsonElement auths, string serverKey)
    {
        foreach (var auth in auths.EnumerateObject())
        {
            if (Normalise(auth.Name) != Normalise(serverKey))
            {
                continue;
            }

            if (auth.Value.ValueKind != JsonValueKind.Object)
            {
                throw WrongType($"auths.{auth.Name}", auth.Name, auth.Value, "an object with 'auth'");
            }

            var identityToken = Member(auth.Value, "identitytoken", JsonValueKind.String, $"auths.{auth.Name}.")?.GetString();
            if (Member(auth.Value, "auth", JsonValueKind.String, $"auths.{auth.Name}.")?.GetString() is { Length: > 0 } value)
            {
                var decoded = Decode(value, auth.Name);
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new CakeException($"{Alias}: the docker config '{_configFile}' has an 'auth' value for '{auth.Name}' that decodes to no 'user:password' pair (no colon after a user name); expected base64 of 'user:password', as docker login writes. Run 'docker login {auth.Name}' again.");
                }

                return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]) { IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken };
            }

            if (!string.IsNullOrEmpty(identityToken))
            {
                return new RegistryCredential("<token>", string.Empty) { IdentityToken = identityToken };
            }
        }

        return null;
    }

    private string Decode(string value, string key)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(value));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CakeException($"{Alias}: the docker config '{_configFile}' has an 'auth' value for '{key}' that is not base64 of UTF-8 text ({value.Length} characters, not shown); expected base64 of 'user:password', as docker login writes. Run 'docker login {key}' again.", ex);
        }
    }

    private JsonElement? Member(JsonElement parent, string name, JsonValueKind kind, string path = "")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind
            ? value
            : throw WrongType(path + name, name, value, kind == JsonValueKind.Object ? "an object" : "a string");
    }

    private CakeException WrongType(string? path, string name, JsonElement value, string expected) =>
        new($"{Alias}: the docker config '{_configFile}' has {(path is null ? name : $"'{path}'")} as a JSON {value.ValueKind.ToString().ToLowerInvariant()}; expected {expected}. Fix the file (docker login rewrites it), or set UseDockerConfig = false.");

    /// <summary>Normalises a config key (<c>https://host/v1/</c>, <c>host</c>) to the host.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The host (Docker Hub's keys all become <c>index.docker.io</c>).</returns>
    internal static string Normalise(string key)
    {
        var host = key;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return host is "docker.io" or "registry-1.docker.io" ? "index.docker.io" : host;
    }

    private RegistryCredential? RunHelper(string helper, string serverUrl)
    {
        var executable = "docker-credential-" + helper;
        var start = new ProcessStartInfo(HelperDirectory is null ? executable : Path.Combine(HelperDirectory, executable), "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new CakeException($"{Alias}: the docker config names the credential helper '{helper}', but 'docker-credential-{helper}' could not be started ({ex.Message}); install it or remove it from config.json.", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(serverUrl);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The helper exited without reading: its exit code says why.
            }

            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new CakeException($"{Alias}: credential helper 'docker-credential-{helper}' did not answer within 30 s for '{serverUrl}'. Check the helper (is its keychain locked?), or remove it from config.json.");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                // A helper's standard output can hold the secret: it never reaches a message.
                if ((output.Result + error.Result).Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                var said = error.Result.Trim();
                said = said.Length > 200 ? said[..200] + "…" : said;
                throw new CakeException($"{Alias}: credential helper 'docker-credential-{helper}' failed for '{serverUrl}' with exit code {process.ExitCode}{(said.Length > 0 ? $" (its standard error: {said})" : string.Empty)}; its standard output is not shown, as it can hold a secret. Run 'docker-credential-{helper} get' by hand to see why, or docker login again.");
            }

            try
            {
                using var json = JsonDocument.Parse(output.Result);
                var root = json.RootElement;
                string Field(string name) =>
                    root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException("not an object");
                }

                var username = Field("Username");
                var secret = Field("Secret");
                return username == "<token>"
                    ? new RegistryCredential(username, string.Empty) { IdentityToken = secret }
                    : new RegistryCredential(username, secret);
            }
            catch (JsonException ex)
            {
                throw new CakeException($"{Alias}: credential helper 'docker-credential-{helper}' answered for '{serverUrl}' with output that is not a JSON object (not shown: it can hold a secret); expected {{\"Username\":…,\"Secret\":…}}. Update or reinstall the helper.", ex);
            }
        }
    }
}
