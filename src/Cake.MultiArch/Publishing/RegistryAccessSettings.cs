using Cake.Core.IO;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Publishing;

/// <summary>How the publishing aliases reach a registry: credentials, plain-HTTP registries, timeouts and retries (the same rules as <c>VerifyManifest</c>).</summary>
public abstract class RegistryAccessSettings
{
    /// <summary>Gets or sets the registry user name; with <see cref="Password"/> it overrides the docker config.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the registry password or token. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the docker config folder to read credentials from. Default: <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>.</summary>
    public DirectoryPath? DockerConfig { get; set; }

    /// <summary>Gets or sets a value indicating whether the docker config is read for credentials. Default: <see langword="true"/>.</summary>
    public bool UseDockerConfig { get; set; } = true;

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>
    /// Gets or sets the longest one registry request may take as a whole (connection, token
    /// exchange, redirects, retries and waits; a blob upload has the longer layer limit), so a
    /// registry that never answers fails in well under a minute, naming the host and the step.
    /// Default: 30 s, as VerifyManifest.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a request is tried on 429, 5xx or connection failures. Default: 4.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Checks the access settings, adding each problem.</summary>
    /// <param name="alias">The alias, prefixed to each problem.</param>
    /// <param name="problems">The list to add to.</param>
    internal void ValidateAccess(string alias, List<string> problems)
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
    }

    /// <summary>Copies these access settings onto other settings (an alias never writes to the settings it is given: it fills a copy).</summary>
    /// <param name="target">The settings to fill.</param>
    /// <returns><paramref name="target"/>.</returns>
    internal T CopyAccessTo<T>(T target)
        where T : RegistryAccessSettings
    {
        target.Username = Username;
        target.Password = Password;
        target.DockerConfig = DockerConfig;
        target.UseDockerConfig = UseDockerConfig;
        target.RequestTimeout = RequestTimeout;
        target.MaxAttempts = MaxAttempts;
        foreach (var registry in InsecureRegistries)
        {
            target.InsecureRegistries.Add(registry);
        }

        return target;
    }

    /// <summary>Makes the HTTP registry client these settings describe.</summary>
    /// <returns>The client; dispose it.</returns>
    internal RegistryClient CreateClient()
    {
        var options = new RegistryClientOptions { Timeout = RequestTimeout, MaxAttempts = MaxAttempts };
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

    /// <summary>Makes VerifyManifest settings with the same registry access.</summary>
    /// <param name="image">The image to verify.</param>
    /// <param name="platforms">The platforms it must serve.</param>
    /// <param name="deep">Whether binaries are checked.</param>
    /// <returns>The settings.</returns>
    internal VerifyManifestSettings ToVerifySettings(string image, IEnumerable<Platforms.Platform> platforms, bool deep)
    {
        var settings = new VerifyManifestSettings
        {
            Image = image,
            Deep = deep,
            Strict = true,
            Username = Username,
            Password = Password,
            DockerConfig = DockerConfig,
            UseDockerConfig = UseDockerConfig,
            RequestTimeout = RequestTimeout,
            MaxAttempts = MaxAttempts,
        };
        foreach (var platform in platforms)
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        foreach (var registry in InsecureRegistries)
        {
            settings.InsecureRegistries.Add(registry);
        }

        return settings;
    }
}
