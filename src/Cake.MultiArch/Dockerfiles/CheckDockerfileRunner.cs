using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Dockerfiles;

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
    /// <param name="log">The log.</param>
    public CheckDockerfileRunner(IFileSystem fileSystem, ICakeEnvironment environment, ICakeLog log)
        : this(fileSystem, environment, log, CreateClient)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CheckDockerfileRunner"/> class with a registry client of the caller's.</summary>
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
    public DockerfileCheckResult Run(FilePath dockerfile, CheckDockerfileSettings settings) => Run(dockerfile, settings, "CheckDockerfile");

    /// <summary>Checks a Dockerfile and returns every finding; neither logs nor throws on findings.</summary>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="cancellationToken">Cancels the registry requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings or a missing Dockerfile.</exception>
    public Task<DockerfileCheckResult> CheckAsync(FilePath dockerfile, CheckDockerfileSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings, "CheckDockerfile");
        var (name, text) = Read(dockerfile, "CheckDockerfile");
        return CheckTextAsync(text, name, settings, cancellationToken);
    }

    /// <summary>Checks, logs under the alias's name and throws on error findings.</summary>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="alias">The alias messages start with.</param>
    /// <returns>The result.</returns>
    internal DockerfileCheckResult Run(FilePath dockerfile, CheckDockerfileSettings settings, string alias)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings, alias);
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
    internal async Task<DockerfileCheckResult> CheckTextAsync(string text, string file, CheckDockerfileSettings settings, CancellationToken cancellationToken)
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

                findings.AddRange(BaseImageFindings(file, needs, images));
            }
        }

        var ordered = findings
            .Where(f => !settings.DisabledRules.Contains(f.RuleId))
            .Select(f => f with { Severity = Raise(f, settings) })
            .OrderBy(f => f.Line)
            .ThenBy(f => DockerfileRules.All.ToList().IndexOf(f.RuleId))
            .ToArray();
        return new DockerfileCheckResult(file, ordered, images);
    }

    /// <summary>Logs the summary, then the table, each finding's row at its severity (info rows as information).</summary>
    /// <param name="result">The result.</param>
    /// <param name="alias">The alias lines start with.</param>
    internal void Log(DockerfileCheckResult result, string alias)
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

    /// <summary>Checks the settings before anything is read.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="alias">The alias messages start with.</param>
    /// <exception cref="CakeException">One or more settings are invalid (all listed).</exception>
    internal static void Validate(CheckDockerfileSettings settings, string alias)
    {
        var problems = new List<string>();
        foreach (var rule in settings.DisabledRules.Where(r => !DockerfileRules.All.Contains(r)))
        {
            problems.Add($"DisabledRules has '{rule}', which is not a preflight rule; expected one of {string.Join(", ", DockerfileRules.All)}. Use the DockerfileRules constants.");
        }

        if (PlatformList.Duplicates(settings.Platforms) is { Count: > 0 } duplicates)
        {
            problems.Add($"Platforms lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once (after normalisation); expected each platform once.");
        }

        if (settings.Platforms.Any(p => p.Info is null) || settings.BuildPlatform is { Info: null })
        {
            problems.Add($"Platforms or BuildPlatform holds an empty value (default(Platform)); expected platforms made by Platform.Parse, one of {Platform.AcceptedValues}.");
        }

        if (settings.MaxParallel < 1)
        {
            problems.Add($"MaxParallel is {settings.MaxParallel}; expected 1 or more.");
        }

        if (settings.Registry.MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts is {settings.Registry.MaxAttempts}; expected 1 or more.");
        }

        if (settings.Registry.RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"RequestTimeout is {settings.Registry.RequestTimeout}; expected a positive time, such as 10 seconds.");
        }

        if (problems.Count > 0)
        {
            throw new CakeException($"{alias}: " + string.Join(System.Environment.NewLine + $"{alias}: ", problems));
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

    private static FindingSeverity Raise(DockerfileFinding finding, DockerfileCheckOptions options) => finding.Severity switch
    {
        FindingSeverity.Warning when options.WarningsAsErrors => FindingSeverity.Error,
        FindingSeverity.Info when options.UnknownAsError && finding.RuleId == DockerfileRules.BaseImageUnknown => FindingSeverity.Error,
        _ => finding.Severity,
    };

    private static IEnumerable<DockerfileFinding> BaseImageFindings(string file, IReadOnlyList<BaseImageNeed> needs, IReadOnlyList<BaseImageStatus> images)
    {
        foreach (var status in images.Where(s => s.State != BaseImageState.Ok))
        {
            foreach (var line in needs.Where(n => n.Image == status.Image).GroupBy(n => (n.Line, n.Where)))
            {
                var needed = line.Select(n => n.Platform).Distinct().ToArray();
                var missing = needed.Where(p => !status.Served.Contains(p)).ToArray();
                switch (status.State)
                {
                    case BaseImageState.PlatformMissing when missing.Length > 0:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImagePlatformMissing,
                            FindingSeverity.Warning,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image} for {PlatformList.Format(missing)}, which it does not serve; it serves {(status.Served.Count == 0 ? "no platform" : PlatformList.Format(status.Served))}.",
                            $"Use a base image (tag) that serves {PlatformList.Format(missing)}, or remove {PlatformList.Format(missing)} from Platforms.");
                        break;
                    case BaseImageState.NotFound:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImageNotFound,
                            FindingSeverity.Warning,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image}, which its registry does not have: {status.Error}",
                            "Fix the image name or tag, or push the image first.");
                        break;
                    case BaseImageState.Unknown:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImageUnknown,
                            FindingSeverity.Info,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image}: unknown whether it serves {PlatformList.Format(needed)}, because its registry could not be asked: {status.Error}",
                            "Check the registry's address and credentials (docker login), or list it in InsecureRegistries; set UnknownAsError to fail on this.");
                        break;
                }
            }
        }
    }

    private static IRegistryClient CreateClient(DockerfileCheckOptions options) => options.Registry.CreateClient();
}
