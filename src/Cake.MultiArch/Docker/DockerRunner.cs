using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The base of every runner that drives the docker CLI: finds the executable (ToolPath, then
/// Cake's tool locator and PATH), passes <c>DOCKER_CONFIG</c>/<c>DOCKER_HOST</c>/<c>BUILDX_BUILDER</c> and any extra
/// environment, streams docker's stderr into Cake's log while keeping its last lines, and turns a
/// non-zero exit into an error that carries docker's own words.
/// </summary>
/// <typeparam name="TSettings">The alias's settings.</typeparam>
public abstract class DockerRunner<TSettings> : Tool<TSettings>
    where TSettings : DockerSettings
{
    /// <summary>How many of docker's last stderr lines an error message carries.</summary>
    internal const int ErrorTailLines = 20;

    private readonly IFileSystem _fileSystem;
    private readonly ICakeEnvironment _environment;
    private readonly IProcessRunner _processRunner;
    // Per call, and per thread of control: independent probes run at the same time on one runner.
    private readonly AsyncLocal<IReadOnlyDictionary<string, string>?> _extraEnvironment = new();

    /// <summary>Initializes a new instance of the <see cref="DockerRunner{TSettings}"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator (each answer kept for this runner's life: <see cref="ToolLocatorOnce"/>).</param>
    /// <param name="log">The log.</param>
    protected DockerRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools is null ? null! : new ToolLocatorOnce(tools))
    {
        _fileSystem = fileSystem;
        _environment = environment;
        _processRunner = processRunner;
        Log = log;
    }

    /// <summary>Gets the log.</summary>
    private protected ICakeLog Log { get; }

    /// <summary>Gets the file system.</summary>
    private protected IFileSystem FileSystem => _fileSystem;

    /// <summary>Gets the environment.</summary>
    private protected ICakeEnvironment Environment => _environment;

    /// <summary>Gets the alias name that prefixes every message, such as <c>BuildxBuild</c>.</summary>
    private protected abstract string AliasName { get; }

    /// <inheritdoc />
    protected sealed override string GetToolName() => "docker";

    /// <inheritdoc />
    protected sealed override IEnumerable<string> GetToolExecutableNames() => ["docker", "docker.exe"];

    /// <inheritdoc />
    protected override IDictionary<string, string> GetEnvironmentVariables(TSettings settings)
    {
        var variables = new Dictionary<string, string>(base.GetEnvironmentVariables(settings) ?? new Dictionary<string, string>());
        if (settings.DockerConfig is not null)
        {
            variables["DOCKER_CONFIG"] = settings.DockerConfig.MakeAbsolute(_environment).FullPath;
        }

        if (!string.IsNullOrEmpty(settings.DockerHost))
        {
            variables["DOCKER_HOST"] = settings.DockerHost;
        }

        if (!string.IsNullOrEmpty(settings.BuildxBuilder))
        {
            variables["BUILDX_BUILDER"] = settings.BuildxBuilder;
        }

        foreach (var (name, value) in _extraEnvironment.Value ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return variables;
    }

    /// <summary>Runs docker with the arguments and waits for it.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="arguments">The arguments (secret ones render as <c>[REDACTED]</c> in the log).</param>
    /// <param name="options">How to treat output, extra environment and values to keep out of messages.</param>
    /// <returns>The exit code and what docker printed.</returns>
    /// <exception cref="CakeException">docker is not found, or exits non-zero while <see cref="DockerRunOptions.AllowedExitCodes"/> does not allow it.</exception>
    private protected DockerRunResult RunDocker(TSettings settings, ProcessArgumentBuilder arguments, DockerRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(options);

        CheckToolPath(settings);
        if (GetToolPath(settings) is null)
        {
            throw new CakeException(
                $"{AliasName}: could not find the docker executable; looked for 'docker' on PATH and in Cake's tools. Install the Docker CLI (with the buildx plugin) or set ToolPath.");
        }

        var output = new LineSink(options.Secrets, Log);
        var errors = new LineSink(options.Secrets, Log);
        // Cake's ProcessRunner logs what a handler returns (at Debug): never a secret. The lines
        // kept for the result and for error messages are the redacted ones too.
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = output.Handler(options.LogOutput),
            RedirectedStandardErrorHandler = errors.Handler(options.LogErrorOutput, options.TranslateErrorLine),
        };

        var exitCode = RunAndWait(settings, arguments, processSettings, options);
        var outLines = output.Lines();
        var errLines = errors.Lines();
        if (exitCode != 0 && !options.AllowedExitCodes.Contains(exitCode))
        {
            throw new CakeException(FormatFailure(options.Subject, exitCode, errLines)); // lines already redacted
        }

        return new DockerRunResult(exitCode, outLines, errLines);
    }

    /// <summary>
    /// Describes the docker these settings run, for the shared probes: how to run it, and the
    /// identity their cached answers are kept under (the executable and the environment that
    /// chooses the daemon, the client configuration and the builder).
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The target; its identity is <see langword="null"/> (never cached) when the settings rewrite the arguments or docker is not found.</returns>
    private protected DockerTarget Target(TSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        DockerRunResult Run(ProcessArgumentBuilder arguments, DockerRunOptions options) => RunDocker(settings, arguments, options);
        if (settings.ArgumentCustomization is not null || settings.SetupProcessSettings is not null || GetToolPath(settings) is not { } executable)
        {
            return new DockerTarget(Run, null, Log, AliasName);
        }

        var variables = GetEnvironmentVariables(settings);
        var seen = DockerTarget.IdentityVariables.ToDictionary(
            v => v,
            v => variables.TryGetValue(v, out var value) ? value : System.Environment.GetEnvironmentVariable(v),
            StringComparer.Ordinal);
        return new DockerTarget(Run, DockerTarget.MakeIdentity(executable.MakeAbsolute(_environment).FullPath, seen), Log, AliasName);
    }

    /// <summary>
    /// Starts looking docker up (Cake's tool locator: its tools folder, then PATH) on another thread,
    /// for a runner with work to do before docker starts (BuildxBuild's checks): the first call that
    /// needs docker then waits for this answer instead of walking again (<see cref="ToolLocatorOnce"/>).
    /// The lookup only reads; nothing starts. With ToolPath set there is nothing to look up.
    /// </summary>
    /// <param name="settings">The settings.</param>
    private protected void LookUpDockerEarly(TSettings settings)
    {
        if (settings.ToolPath is not null)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                _ = GetToolPath(settings);
            }
            catch (Exception)
            {
                // Kept by ToolLocatorOnce: the call that needs docker meets the same error on its own thread.
            }
        });
    }

    /// <summary>Makes the error for a docker call whose non-zero exit the caller allowed but cannot handle.</summary>
    /// <param name="subject">What the call does.</param>
    /// <param name="result">What it returned.</param>
    /// <returns>The exception to throw, carrying docker's last stderr lines.</returns>
    private protected CakeException Failure(string subject, DockerRunResult result) =>
        new(FormatFailure(subject, result.ExitCode, result.Errors));

    private string FormatFailure(string subject, int exitCode, IReadOnlyList<string> errors)
    {
        var tail = errors.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(ErrorTailLines).Select(l => "  " + l).ToArray();
        var said = tail.Length == 0 ? " docker printed nothing on stderr." : " docker said:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, tail);
        return $"{AliasName}: {subject} failed with exit code {exitCode}.{said}";
    }

    private int RunAndWait(TSettings settings, ProcessArgumentBuilder arguments, ProcessSettings processSettings, DockerRunOptions options)
    {
        _extraEnvironment.Value = options.Environment;
        try
        {
            using var process = Start(settings, arguments, processSettings);
            options.Started?.Invoke();
            var timeout = settings.ToolTimeout;
            if (timeout is { } t)
            {
                if (!process.WaitForExit((int)Math.Min(int.MaxValue, t.TotalMilliseconds)))
                {
                    process.Kill();
                    throw new TimeoutException($"{AliasName}: docker did not finish within {t} (ToolTimeout); it was stopped.");
                }

                process.WaitForExit(); // exited: this only waits for the last redirected lines
            }
            else
            {
                process.WaitForExit();
            }

            var exitCode = process.GetExitCode();

            // Cake's ProcessWrapper fills its queues from the same events; draining them makes sure
            // every line reached the handlers before the process object goes.
            _ = process.GetStandardOutput().ToArray();
            _ = process.GetStandardError().ToArray();
            return exitCode;
        }
        finally
        {
            _extraEnvironment.Value = null;
        }
    }

    // docker buildx … as buildx's own binary when that cannot differ (BuildxPlugin), else through docker as Cake's Tool runs it.
    private IProcess Start(TSettings settings, ProcessArgumentBuilder arguments, ProcessSettings processSettings)
    {
        var variables = GetEnvironmentVariables(settings);
        var docker = settings.ToolPath is null ? GetToolPath(settings)?.MakeAbsolute(_environment) : null;
        if (docker is null || BuildxPlugin.Plan(settings, arguments, docker, ConfigFolder(variables), BuildxPlugin.SystemFolders) is not { } plugin)
        {
            return RunProcess(settings, arguments, processSettings);
        }

        // What Cake's Tool.RunProcess sets, for the plugin instead of docker.
        processSettings.Arguments = plugin.Arguments;
        processSettings.WorkingDirectory = GetWorkingDirectory(settings).MakeAbsolute(_environment).FullPath;
        processSettings.EnvironmentVariables = variables;
        processSettings.NoWorkingDirectory = settings.NoWorkingDirectory;
        return _processRunner.Start(plugin.Plugin, processSettings)
            ?? throw new CakeException($"{AliasName}: buildx ('{plugin.Plugin.FullPath}') was not started.");
    }

    // The docker client configuration folder the process sees: DOCKER_CONFIG as passed, else from the environment, else ~/.docker.
    private string? ConfigFolder(IDictionary<string, string> variables)
    {
        if (variables.TryGetValue("DOCKER_CONFIG", out var passed) && !string.IsNullOrEmpty(passed))
        {
            return passed;
        }

        return _environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } set ? set
            : _environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? System.IO.Path.Combine(home, ".docker") : null;
    }

    // Cake's own "Could not locate executable" names no path: say which ToolPath is wrong.
    private void CheckToolPath(TSettings settings)
    {
        if (settings.ToolPath is not { } toolPath)
        {
            return;
        }

        var absolute = toolPath.MakeAbsolute(_environment);
        if (_fileSystem.Exist(absolute))
        {
            return;
        }

        var what = _fileSystem.Exist(new DirectoryPath(absolute.FullPath)) ? "is a folder" : "does not exist";
        throw new CakeException(
            $"{AliasName}: ToolPath '{toolPath.FullPath}' {what} (looked at '{absolute.FullPath}'); expected the docker executable, such as '/usr/bin/docker'. Fix the path, or leave ToolPath unset to find docker on PATH.");
    }
}

/// <summary>How <see cref="DockerRunner{TSettings}.RunDocker"/> treats one docker call.</summary>
/// <param name="Subject">What the call does, for messages (<c>docker buildx build</c>).</param>
internal sealed record DockerRunOptions(string Subject)
{
    /// <summary>Gets a value indicating whether stdout lines go to Cake's log (default: no, they are only captured).</summary>
    public bool LogOutput { get; init; }

    /// <summary>Gets a value indicating whether stderr lines (buildx's progress) go to Cake's log (default: yes).</summary>
    public bool LogErrorOutput { get; init; } = true;

    /// <summary>Gets extra environment variables for the process (such as secret values), never logged.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets values that must never reach the log, an error message or the result's lines: each is
    /// redacted whole and line by line (see <c>SecretRedactor</c>).
    /// </summary>
    public IReadOnlyCollection<string> Secrets { get; init; } = [];

    /// <summary>
    /// Gets a translation of each stderr line, or <see langword="null"/> to take the lines as they
    /// come: it returns the lines to log and keep in <see cref="DockerRunResult.Errors"/> (and an
    /// error message) instead, none to consume the line. <c>BuildxBuild</c> turns rawjson progress
    /// into readable lines this way. The returned lines are still redacted.
    /// </summary>
    public Func<string, IReadOnlyList<string>>? TranslateErrorLine { get; init; }

    /// <summary>Gets the non-zero exit codes the caller handles itself.</summary>
    public IReadOnlyCollection<int> AllowedExitCodes { get; init; } = [];

    /// <summary>Gets what to do once docker has started (on the calling thread, while docker runs).</summary>
    public Action? Started { get; init; }
}

/// <summary>What one docker call returned.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">The stdout lines.</param>
/// <param name="Errors">The stderr lines.</param>
internal sealed record DockerRunResult(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors);
