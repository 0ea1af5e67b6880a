using Cake.Core.IO;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// How the Dockerfile preflight judges and reaches registries: shared by <c>CheckDockerfile</c>
/// (<see cref="CheckDockerfileSettings"/>) and <c>BuildxBuild</c> (<c>BuildxBuildSettings.Preflight</c>).
/// </summary>
public class DockerfileCheckOptions
{
    /// <summary>Gets the rule ids to skip (see <see cref="DockerfileRules"/>), such as <c>EmulatedCompile</c>. Unknown ids are refused.</summary>
    public ISet<string> DisabledRules { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether warnings are errors, so that <c>BuildxBuild</c> stops before docker starts and <c>CheckDockerfile</c> fails. Default: <see langword="false"/>.</summary>
    public bool WarningsAsErrors { get; set; }

    /// <summary>Gets or sets a value indicating whether a base image whose registry could not be asked (<c>unknown</c>) is an error. Default: <see langword="false"/> (an information line).</summary>
    public bool UnknownAsError { get; set; }

    /// <summary>Gets or sets a value indicating whether each base image's registry is asked which platforms it serves. Default: <see langword="true"/>.</summary>
    public bool CheckBaseImages { get; set; } = true;

    /// <summary>Gets the registries reached over plain HTTP besides loopback ones (<c>host:port</c>).</summary>
    public IList<string> InsecureRegistries { get; } = new List<string>();

    /// <summary>Gets or sets the docker config folder credentials are read from. Default: <c>$DOCKER_CONFIG</c> or <c>~/.docker</c>.</summary>
    public DirectoryPath? DockerConfig { get; set; }

    /// <summary>Gets or sets a value indicating whether the docker config is read for registry credentials. Default: <see langword="true"/>.</summary>
    public bool UseDockerConfig { get; set; } = true;

    /// <summary>Gets or sets the timeout of one registry request. Default: 10 s (the preflight must not hold a build up).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many times a registry request is tried on 429, 5xx or a connection failure. Default: 2.</summary>
    public int MaxAttempts { get; set; } = 2;

    /// <summary>Gets or sets how many registry requests run at once. Default: 8.</summary>
    public int MaxParallel { get; set; } = 8;

    /// <summary>Copies these options into another object (an alias never writes to the settings it is given).</summary>
    /// <param name="target">The copy.</param>
    internal void CopyTo(DockerfileCheckOptions target)
    {
        foreach (var rule in DisabledRules)
        {
            target.DisabledRules.Add(rule);
        }

        foreach (var registry in InsecureRegistries)
        {
            target.InsecureRegistries.Add(registry);
        }

        target.WarningsAsErrors = WarningsAsErrors;
        target.UnknownAsError = UnknownAsError;
        target.CheckBaseImages = CheckBaseImages;
        target.DockerConfig = DockerConfig;
        target.UseDockerConfig = UseDockerConfig;
        target.RequestTimeout = RequestTimeout;
        target.MaxAttempts = MaxAttempts;
        target.MaxParallel = MaxParallel;
    }
}
