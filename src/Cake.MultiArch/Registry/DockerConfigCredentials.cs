using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Cake.MultiArch.Registry;

/// <summary>
/// Finds registry credentials the way the docker CLI does: <c>credHelpers</c> for the registry,
/// then <c>credsStore</c>, then <c>auths</c> in <c>config.json</c> (in <c>$DOCKER_CONFIG</c> or
/// <c>~/.docker</c>). Helpers run as <c>docker-credential-NAME get</c>.
/// </summary>
public sealed class DockerConfigCredentials
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

    /// <summary>Finds the credential for a registry host.</summary>
    /// <param name="registry">The registry host (<c>docker.io</c>, <c>ghcr.io</c>, <c>127.0.0.1:5000</c>).</param>
    /// <returns>The credential, or <see langword="null"/> for anonymous access.</returns>
    /// <exception cref="InvalidOperationException">config.json is not valid JSON, or a helper failed other than "not found".</exception>
    public RegistryCredential? Find(string registry)
    {
        if (!File.Exists(_configFile))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(_configFile));
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"VerifyManifest: the docker config '{_configFile}' is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var serverKey = registry == ImageReference.DefaultRegistry ? DockerHubKey : registry;
            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
            {
                foreach (var helper in helpers.EnumerateObject())
                {
                    if (Normalise(helper.Name) == Normalise(serverKey) && helper.Value.GetString() is { Length: > 0 } name)
                    {
                        return RunHelper(name, serverKey);
                    }
                }
            }

            if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName && RunHelper(storeName, serverKey) is { } stored)
            {
                return stored;
            }

            if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
            {
                foreach (var auth in auths.EnumerateObject())
                {
                    if (Normalise(auth.Name) != Normalise(serverKey))
                    {
                        continue;
                    }

                    var identityToken = auth.Value.TryGetProperty("identitytoken", out var it) ? it.GetString() : null;
                    if (auth.Value.TryGetProperty("auth", out var encoded) && encoded.GetString() is { Length: > 0 } value)
                    {
                        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value));
                        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                        if (colon > 0)
                        {
                            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]) { IdentityToken = string.IsNullOrEmpty(identityToken) ? null : identityToken };
                        }
                    }

                    if (!string.IsNullOrEmpty(identityToken))
                    {
                        return new RegistryCredential("<token>", string.Empty) { IdentityToken = identityToken };
                    }
                }
            }
        }

        return null;
    }

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
            throw new InvalidOperationException($"VerifyManifest: the docker config names the credential helper '{helper}', but 'docker-credential-{helper}' could not be started ({ex.Message}); install it or remove it from config.json.", ex);
        }

        using (process)
        {
            process.StandardInput.Write(serverUrl);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill();
                throw new InvalidOperationException($"VerifyManifest: credential helper 'docker-credential-{helper}' did not answer within 30 s.");
            }

            if (process.ExitCode != 0)
            {
                var said = (output.Result + error.Result).Trim();
                if (said.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                throw new InvalidOperationException($"VerifyManifest: credential helper 'docker-credential-{helper}' failed with exit code {process.ExitCode}: {said}");
            }

            using var json = JsonDocument.Parse(output.Result);
            var username = json.RootElement.TryGetProperty("Username", out var u) ? u.GetString() ?? string.Empty : string.Empty;
            var secret = json.RootElement.TryGetProperty("Secret", out var s) ? s.GetString() ?? string.Empty : string.Empty;
            return username == "<token>"
                ? new RegistryCredential(username, string.Empty) { IdentityToken = secret }
                : new RegistryCredential(username, secret);
        }
    }
}
