using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// The Dockerfile preflight: parses a Dockerfile, applies the rules of <see cref="DockerfileRules"/>
/// for the build the settings describe, asks registries which platforms each base image serves,
/// and logs the findings as a table.
/// </summary>
public sealed class CheckDockerfileRunner
{
    private readonly IFileSystem _fileSystem;
    private readonly ICakeEnvironment _environment;
    private readonly ICakeLog _log;
    private readonly Func<DockerfileCheckOptions, IRegistryClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="CheckDockerfileRunner"/> class with the HTTP registry client.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner (the preflight starts no process: it reads the file and asks registries over HTTP).</param>
    /// <param name="tools">The tool locator (unused, as the process runner).</param>
    /// <param name="log">The log.</param>
    public CheckDockerfileRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, log, CreateClient)
    {
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
    }

    /// <summary>Initializes a new instance of the <see cref="CheckDockerfileRunner"/> class with the HTTP registry client (the entry point <c>BuildxBuild</c>'s preflight uses).</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="log">The log.</param>
    internal CheckDockerfileRunner(IFileSystem fileSystem, ICakeEnvironment environment, ICakeLog log)
        : this(fileSystem, environment, log, CreateClient)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckDockerfileRunner"/> class with a registry client of the caller's (tests, benchmarks).</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client for the options (disposed after the check when it is <see cref="IDisposable"/>).</param>
    internal CheckDockerfileRunner(IFileSystem fileSystem, ICakeEnvironment environment, ICakeLog log, Func<DockerfileCheckOptions, IRegistryClient> clientFactory)
    {
        _fileSystem = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? throw new ArgumentNullException(nameof(clientFactory));
    }

    /// <summary>Checks a Dockerfile, logs the findings as a table, and throws when any is an error.</summary>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The result (only when no finding is an error).</returns>
    /// <exception cref="CakeException">Invalid settings, a missing Dockerfile, or error findings (all listed).</exception>
    public CheckDockerfileResult Run(FilePath dockerfile, CheckDockerfileSettings settings) => Run(dockerfile, settings, "CheckDockerfile");

    /// <summary>Checks a Dockerfile and returns every finding; neither logs nor throws on findings.</summary>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="cancellationToken">Cancels the registry requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings or a missing Dockerfile.</exception>
    public Task<CheckDockerfileResult> CheckAsync(FilePath dockerfile, CheckDockerfileSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(settings);
        CheckDockerfilePlan.Validate(settings, "CheckDockerfile");
        var (name, text) = Read(dockerfile, "CheckDockerfile");
        return CheckTextAsync(text, name, settings, cancellationToken);
    }

    /// <summary>Checks, logs under the alias's name and throws on error findings.</summary>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="alias">The alias messages start with.</param>
    /// <returns>The result.</returns>
    internal CheckDockerfileResult Run(FilePath dockerfile, CheckDockerfileSettings settings, string alias)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(settings);
        CheckDockerfilePlan.Validate(settings, alias);
        var (name, text) = Read(dockerfile, alias);
        var result = CheckTextAsync(text, name, settings, CancellationToken.None).GetAwaiter().GetResult();
        Log(result, alias);
        if (result.HasErrors)
        {
            var errors = result.Errors;
            throw new CakeException($"{alias}: the Dockerfile preflight found {errors.Count} error{(errors.Count == 1 ? string.Empty : "s")} in {result.File}, before anything was built:"
                + string.Concat(errors.Select(e => System.Environment.NewLine + "  - " + e))
                + System.Environment.NewLine + "Fix them, or switch a rule off (DisabledRules), or turn WarningsAsErrors off to only warn.");
        }

        return result;
    }

    /// <summary>Checks a Dockerfile's text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="file">The file name findings name.</param>
    /// <param name="settings">The settings (validated).</param>
    /// <param name="cancellationToken">Cancels the registry requests.</param>
    /// <returns>The result.</returns>
    internal async Task<CheckDockerfileResult> CheckTextAsync(string text, string file, CheckDockerfileSettings settings, CancellationToken cancellationToken)
    {
        var document = DockerfileDocument.Parse(text);
        var analysis = new DockerfileAnalysis(document, file, settings);
        var findings = analysis.Findings();
        IReadOnlyList<BaseImageStatus> images = [];
        if (settings.CheckBaseImages && !settings.DisabledRules.Contains(DockerfileRules.BaseImagePlatformMissing))
        {
            var needs = analysis.BaseImageNeeds(findings);
            if (needs.Count > 0)
            {
                var client = _clientFactory(settings);
                try
                {
                    images = await BaseImageChecker.CheckAsync(client, needs, settings.MaxParallel, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    (client as IDisposable)?.Dispose();
                }

                findings.AddRange(CheckDockerfilePlan.BaseImageFindings(file, needs, images));
            }
        }

        return new CheckDockerfileResult(file, CheckDockerfilePlan.Order(findings.Where(f => !document.SkipsCheck(f.RuleId)), settings), images);
    }

    /// <summary>Logs the summary, then the table, each finding's row at its severity (info rows as information).</summary>
    /// <param name="result">The result.</param>
    /// <param name="alias">The alias lines start with.</param>
    internal void Log(CheckDockerfileResult result, string alias)
    {
        _log.Verbose("{0}: Dockerfile preflight: {1}", alias, result.Summary);
        foreach (var image in result.BaseImages)
        {
            _log.Verbose("{0}: base image {1}", alias, image);
        }

        foreach (var (finding, row) in result.TableRows())
        {
            var level = finding?.Severity switch
            {
                FindingSeverity.Error => LogLevel.Error,
                FindingSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            };
            _log.Write(Verbosity.Normal, level, "{0}: {1}", alias, row);
        }
    }

    private (string Name, string Text) Read(FilePath dockerfile, string alias)
    {
        var absolute = dockerfile.MakeAbsolute(_environment);
        var file = _fileSystem.GetFile(absolute);
        if (!file.Exists)
        {
            throw new CakeException($"{alias}: the Dockerfile '{dockerfile.FullPath}' does not exist (looked at '{absolute.FullPath}'); expected a Dockerfile. Fix the path.");
        }

        using var reader = new StreamReader(file.OpenRead());
        return (absolute.GetFilename().FullPath, reader.ReadToEnd());
    }

    private static IRegistryClient CreateClient(DockerfileCheckOptions options) => options.Registry.CreateClient();
}
