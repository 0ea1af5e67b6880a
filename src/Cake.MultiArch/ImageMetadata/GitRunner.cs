using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Runs the <c>git</c> executable through Cake's process runner in one repository and returns its output.</summary>
internal sealed class GitRunner
{
    private const string Unneeded = "or set Ref (or NoRef), Sha (or NoCommit), DefaultBranch, Url, Source and Title in ImageMetadataSettings so that git is not needed";
    private readonly IFileSystem _fileSystem;
    private readonly IProcessRunner _processRunner;
    private readonly ICakeEnvironment _environment;
    private readonly IToolLocator _tools;
    private readonly DirectoryPath _repository;
    private readonly FilePath? _toolPath;
    private FilePath? _git;

    public GitRunner(IFileSystem fileSystem, IProcessRunner processRunner, ICakeEnvironment environment, IToolLocator tools, DirectoryPath repository, FilePath? toolPath)
    {
        _fileSystem = fileSystem;
        _processRunner = processRunner;
        _environment = environment;
        _tools = tools;
        _repository = repository.MakeAbsolute(environment);
        _toolPath = toolPath;
    }

    /// <summary>Runs git and returns its first output line, or <see langword="null"/> when it exits non-zero or prints nothing.</summary>
    public string? TryLine(params string[] arguments)
    {
        var (exitCode, output, _) = Run(arguments);
        return exitCode == 0 ? output.FirstOrDefault(l => l.Length > 0) : null;
    }

    /// <summary>Runs git and returns its first output line; a failure is an error carrying git's own message.</summary>
    public string Line(string purpose, params string[] arguments)
    {
        var (exitCode, output, error) = Run(arguments);
        var line = output.FirstOrDefault(l => l.Length > 0);
        if (exitCode != 0 || line is null)
        {
            throw new CakeException(
                $"ImageMetadata: 'git {string.Join(' ', arguments)}' failed reading {purpose} for repository '{_repository.FullPath}'; expected a git repository with at least one commit, found exit code {exitCode}: {string.Join(" ", error).Trim()}. Set RepositoryPath to the repository, or set {purpose} in ImageMetadataSettings.");
        }

        return line;
    }

    private (int ExitCode, string[] Output, string[] Error) Run(string[] arguments)
    {
        _git ??= Locate();
        var builder = new ProcessArgumentBuilder();
        foreach (var argument in arguments)
        {
            builder.AppendQuoted(argument);
        }

        IProcess process;
        try
        {
            process = _processRunner.Start(_git, new ProcessSettings
            {
                Arguments = builder,
                WorkingDirectory = _repository,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Silent = true,
            });
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CakeException($"ImageMetadata: the git executable could not be started for GitToolPath; expected a git executable, found '{_git.FullPath}': {e.Message}. Install git or fix GitToolPath, {Unneeded}.", e);
        }

        process.WaitForExit();
        var output = process.GetStandardOutput().Select(l => l.Trim()).ToArray();
        var error = process.GetStandardError().ToArray();
        return (process.GetExitCode(), output, error);
    }

    private FilePath Locate()
    {
        if (_toolPath is not null)
        {
            var path = _toolPath.MakeAbsolute(_environment);
            return _fileSystem.Exist(path)
                ? path
                : throw new CakeException($"ImageMetadata: the git executable was not found for GitToolPath; expected an existing git executable, found '{path.FullPath}' (no such file). Fix GitToolPath, {Unneeded}.");
        }

        return _tools.Resolve("git") ?? throw new CakeException(
            $"ImageMetadata: the git executable was not found for GitToolPath; expected 'git' on PATH or a GitToolPath, found neither. Install git, or set GitToolPath, {Unneeded}.");
    }
}
