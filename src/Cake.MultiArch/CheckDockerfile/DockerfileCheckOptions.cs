using Cake.MultiArch.Registry;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// How the Dockerfile preflight judges and reaches registries: shared by <c>CheckDockerfile</c>
/// (<see cref="CheckDockerfileSettings"/>) and <c>BuildxBuild</c> (<c>BuildxBuildSettings.Preflight</c>).
/// </summary>
public class DockerfileCheckOptions
{
    private RegistryAccess _registry = new() { RequestTimeout = TimeSpan.FromSeconds(10), MaxAttempts = 2 };

    /// <summary>Gets the rule ids to skip (see <see cref="DockerfileRules"/>), such as <c>EmulatedCompile</c>. Unknown ids are refused.</summary>
    public ISet<string> DisabledRules { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether warnings are errors, so that <c>BuildxBuild</c> stops before docker starts and <c>CheckDockerfile</c> fails. Default: <see langword="false"/>.</summary>
    public bool WarningsAsErrors { get; set; }

    /// <summary>Gets or sets a value indicating whether a base image whose registry could not be asked (<c>unknown</c>) is an error. Default: <see langword="false"/> (an information line).</summary>
    public bool UnknownAsError { get; set; }

    /// <summary>Gets or sets a value indicating whether each base image's registry is asked which platforms it serves. Default: <see langword="true"/>.</summary>
    public bool CheckBaseImages { get; set; } = true;

    /// <summary>
    /// Gets or sets how registries are reached: credentials, docker config, plain-HTTP registries,
    /// time limits and retries. Default: 10 s per request and 2 attempts (the preflight must not
    /// hold a build up).
    /// </summary>
    public RegistryAccess Registry
    {
        get => _registry;
        set => _registry = value ?? throw new ArgumentNullException(nameof(value));
    }

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

        target.WarningsAsErrors = WarningsAsErrors;
        target.UnknownAsError = UnknownAsError;
        target.CheckBaseImages = CheckBaseImages;
        target.Registry = Registry.Clone();
        target.MaxParallel = MaxParallel;
    }
}
