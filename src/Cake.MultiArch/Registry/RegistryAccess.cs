using Cake.Core.IO;

namespace Cake.MultiArch.Registry;

/// <summary>
/// How an alias reaches registries: credentials, the docker config, plain-HTTP registries, time
/// limits and retries. Every settings type that talks to a registry holds one as <c>Registry</c>
/// (<c>settings.Registry.Username = …</c>, or <c>Registry = { InsecureRegistries = { "registry.local:5000" } }</c>).
/// </summary>
public sealed class RegistryAccess
{
    /// <summary>Gets or sets the registry user name; with <see cref="Password"/> it overrides the docker config.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the registry password or token. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the docker config folder to read credentials from (<c>auths</c>, <c>credsStore</c>, <c>credHelpers</c>). Default: <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>.</summary>
    public DirectoryPath? DockerConfig { get; set; }

    /// <summary>Gets or sets a value indicating whether the docker config is read for credentials. Default: <see langword="true"/>.</summary>
    public bool UseDockerConfig { get; set; } = true;

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the longest one registry request may take as a whole: its connection, token
    /// exchange, redirects, every retry and wait, and the body of a manifest or config (a layer has
    /// <see cref="LayerTimeout"/>). A registry that accepts the connection and never answers fails
    /// after this long, naming the host and the step. Default: 30 s (each try waits at most 10 s);
    /// 10 s for the Dockerfile preflight, which must not hold a build up.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many times a request is tried on 429, 5xx, connection failures, cut bodies
    /// or unanswered tries (all within <see cref="RequestTimeout"/>). Default: 4; 2 for the
    /// Dockerfile preflight.
    /// </summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Gets or sets the longest a layer's download (the deep check) may go without receiving a byte. Default: 30 s.</summary>
    public TimeSpan ReadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest one layer's download (the deep check) or upload (publishing) may take. Default: 30 min.</summary>
    public TimeSpan LayerTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Checks the access settings the way the publishing aliases do, adding each problem.</summary>
    /// <param name="alias">The alias, prefixed to each problem.</param>
    /// <param name="problems">The list to add to.</param>
    internal void Validate(string alias, List<string> problems)
    {
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            problems.Add($"{alias}: Username and Password go together for the registry credential; expected both or neither, found only {(string.IsNullOrEmpty(Username) ? "Password" : "Username")}. Set the other one, or clear both to use the docker config.");
        }

        if (MaxAttempts < 1)
        {
            problems.Add($"{alias}: MaxAttempts is invalid; expected 1 or more, found {MaxAttempts}. Set how many times a request is tried (default 4).");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{alias}: RequestTimeout is invalid; expected a positive time, found {RequestTimeout}. Set the timeout of one request (default 30 s).");
        }

        problems.AddRange(InsecureRegistryProblems().Select(p => $"{alias}: {p}"));
    }

    /// <summary>Checks <see cref="InsecureRegistries"/>: each entry a registry host, with an optional port.</summary>
    /// <returns>One message per bad entry (without the alias prefix).</returns>
    internal IEnumerable<string> InsecureRegistryProblems()
    {
        for (var i = 0; i < InsecureRegistries.Count; i++)
        {
            var entry = InsecureRegistries[i];
            if (string.IsNullOrWhiteSpace(entry) || ImageReference.TryParseCore(entry + "/probe", out var reference) is not null || !string.Equals(reference!.Registry, entry, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"InsecureRegistries[{i}] {(entry is null ? "null" : $"'{entry}'")} is not a registry host; expected a host with an optional port, such as 'registry.local:5000', '127.0.0.1:5000' or 'localhost:5000' (no scheme, no path).";
            }
        }
    }

    /// <summary>Copies these access settings (an alias never writes to the settings it is given: it fills a copy).</summary>
    /// <returns>The copy.</returns>
    internal RegistryAccess Clone()
    {
        var copy = new RegistryAccess
        {
            Username = Username,
            Password = Password,
            DockerConfig = DockerConfig,
            UseDockerConfig = UseDockerConfig,
            RequestTimeout = RequestTimeout,
            MaxAttempts = MaxAttempts,
            ReadIdleTimeout = ReadIdleTimeout,
            LayerTimeout = LayerTimeout,
        };
        foreach (var registry in InsecureRegistries)
        {
            copy.InsecureRegistries.Add(registry);
        }

        return copy;
    }

    /// <summary>
    /// Makes the HTTP registry client these settings describe: the one place a client is made.
    /// Every client shares one connection pool for the whole Cake run.
    /// </summary>
    /// <returns>The client; dispose it.</returns>
    internal RegistryClient CreateClient()
    {
        var options = new RegistryClientOptions
        {
            Timeout = RequestTimeout,
            ReadIdleTimeout = ReadIdleTimeout,
            LayerTimeout = LayerTimeout,
            MaxAttempts = MaxAttempts,
        };
        foreach (var registry in InsecureRegistries)
        {
            options.InsecureRegistries.Add(registry);
        }

        if (!string.IsNullOrEmpty(Username))
        {
            options.Credential = new RegistryCredential(Username, Password!);
        }
        else if (UseDockerConfig)
        {
            options.CredentialProvider = new DockerConfigCredentials(DockerConfig?.FullPath).Find;
        }

        return new RegistryClient(options);
    }
}
