using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;

namespace Cake.MultiArch.Cosign;

/// <summary>
/// The base of every runner that drives the cosign CLI through Cake's process runner: finds the
/// executable (ToolPath, then Cake's tool locator and PATH), passes secrets only through the
/// child's environment, redacts them from every line cosign prints, and keeps cosign's own words
/// for error messages.
/// </summary>
/// <typeparam name="TSettings">The alias's settings.</typeparam>
public abstract class CosignRunner<TSettings> : Tool<TSettings>
    where TSettings : CosignSettings
{
    /// <summary>How to install cosign, for the error a missing executable gives.</summary>
    internal const string InstallHint = "Install cosign 2.x (Debian 13: 'apt-get install cosign'; Debian 12: 'apt-get install --no-install-recommends cosign/trixie'; elsewhere https://docs.sigstore.dev/cosign/system_config/installation/) or set ToolPath";

    private readonly IFileSystem _fileSystem;
    private readonly ICakeEnvironment _environment;
    private IReadOnlyDictionary<string, string> _extraEnvironment = new Dictionary<string, string>();

    /// <summary>Initializes a new instance of the <see cref="CosignRunner{TSettings}"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    protected CosignRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools)
    {
        _fileSystem = fileSystem;
        _environment = environment;
        Log = log;
    }

    /// <summary>Gets the log.</summary>
    protected ICakeLog Log { get; }

    /// <summary>Gets the file system.</summary>
    protected IFileSystem FileSystem => _fileSystem;

    /// <summary>Gets the environment.</summary>
    protected ICakeEnvironment Environment => _environment;

    /// <summary>Gets the alias name that prefixes every message, such as <c>SignImage</c>.</summary>
    protected abstract string AliasName { get; }

    /// <inheritdoc />
    protected sealed override string GetToolName() => "cosign";

    /// <inheritdoc />
    protected sealed override IEnumerable<string> GetToolExecutableNames() => ["cosign", "cosign.exe"];

    /// <inheritdoc />
    protected override IDictionary<string, string> GetEnvironmentVariables(TSettings settings)
    {
        var variables = new Dictionary<string, string>(base.GetEnvironmentVariables(settings) ?? new Dictionary<string, string>());
        foreach (var (name, value) in _extraEnvironment)
        {
            variables[name] = value;
        }

        return variables;
    }

    /// <summary>Throws when cosign cannot be found, before anything else happens.</summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="CakeException">ToolPath does not exist, or cosign is on neither PATH nor Cake's tools.</exception>
    private protected void EnsureTool(TSettings settings)
    {
        if (settings.ToolPath is { } toolPath)
        {
            var absolute = toolPath.MakeAbsolute(_environment);
            if (!_fileSystem.Exist(absolute))
            {
                var what = _fileSystem.Exist(new DirectoryPath(absolute.FullPath)) ? "is a folder" : "does not exist";
                throw new CakeException($"{AliasName}: ToolPath '{toolPath.FullPath}' {what} (looked at '{absolute.FullPath}'); expected the cosign executable, such as '/usr/bin/cosign'. Fix the path, or leave ToolPath unset to find cosign on PATH.");
            }
        }

        if (GetToolPath(settings) is null)
        {
            throw new CakeException($"{AliasName}: could not find the cosign executable; looked for 'cosign' on PATH and in Cake's tools. {InstallHint}.");
        }
    }

    /// <summary>Runs cosign with the call's arguments and environment, and waits for it.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="call">The call.</param>
    /// <returns>The exit code and what cosign printed, redacted.</returns>
    /// <exception cref="CakeException">cosign exits non-zero and the call does not allow it.</exception>
    private protected CosignResult RunCosign(TSettings settings, CosignCall call)
    {
        EnsureTool(settings);
        var arguments = new ProcessArgumentBuilder();
        foreach (var argument in call.Arguments)
        {
            arguments.AppendQuoted(argument);
        }

        var output = new LineSink(call.Secrets, Log);
        var errors = new LineSink(call.Secrets, Log);
        var processSettings = new ProcessSettings
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectedStandardOutputHandler = output.Handler(false),
            RedirectedStandardErrorHandler = errors.Handler(true),
        };

        var exitCode = RunAndWait(settings, arguments, processSettings, call.Environment);
        var result = new CosignResult(exitCode, output.Lines(), errors.Lines());
        if (exitCode != 0 && !call.AllowFailure)
        {
            throw new CakeException($"{AliasName}: {call.Subject} failed with exit code {exitCode}; {result.Said()}");
        }

        return result;
    }

    private int RunAndWait(TSettings settings, ProcessArgumentBuilder arguments, ProcessSettings processSettings, IReadOnlyDictionary<string, string> environment)
    {
        _extraEnvironment = environment;
        try
        {
            using var process = RunProcess(settings, arguments, processSettings);
            if (settings.ToolTimeout is { } t)
            {
                if (!process.WaitForExit((int)Math.Min(int.MaxValue, t.TotalMilliseconds)))
                {
                    process.Kill();
                    throw new TimeoutException($"{AliasName}: cosign did not finish within {t} (ToolTimeout); it was stopped.");
                }
            }

            process.WaitForExit();
            var exitCode = process.GetExitCode();
            _ = process.GetStandardOutput().ToArray();
            _ = process.GetStandardError().ToArray();
            return exitCode;
        }
        finally
        {
            _extraEnvironment = new Dictionary<string, string>();
        }
    }
}
