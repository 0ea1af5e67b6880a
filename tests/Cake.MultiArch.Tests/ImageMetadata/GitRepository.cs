using System.Diagnostics;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>A real git repository in a temporary folder, driven by the real git executable.</summary>
internal sealed class GitRepository : IDisposable
{
    private readonly TempDirectory _root = new();
    private int _commits;

    public GitRepository(string defaultBranch = "main")
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator).Any(d => File.Exists(System.IO.Path.Combine(d, "git"))))
        {
            TestPaths.SkipOrFail("git is not installed (apt-get install git)");
        }

        Path = _root.Combine("repo");
        Directory.CreateDirectory(Path);
        Git("init", "-q", "-b", defaultBranch);
    }

    private GitRepository(TempDirectory root, string path)
    {
        _root = root;
        Path = path;
    }

    public string Path { get; }

    public string Head => Git("rev-parse", "HEAD").Trim();

    /// <summary>Makes a commit with fixed dates (so the ids do not depend on the clock) and returns its id.</summary>
    public string Commit(string message = "change")
    {
        _commits++;
        File.WriteAllText(System.IO.Path.Combine(Path, "file.txt"), $"{message} {_commits}\n");
        Git("add", "file.txt");
        Git("commit", "-q", "-m", message);
        return Head;
    }

    public GitRepository Checkout(params string[] arguments)
    {
        Git(["checkout", "-q", .. arguments]);
        return this;
    }

    public GitRepository Tag(string name, bool annotated)
    {
        Git(annotated ? ["tag", "-a", name, "-m", "release " + name] : ["tag", name]);
        return this;
    }

    /// <summary>Clones this repository with <c>git clone --depth 1 file://…</c> into a sibling folder.</summary>
    public GitRepository ShallowClone()
    {
        var target = _root.Combine("shallow-" + Guid.NewGuid().ToString("N")[..8]);
        Run(_root.Path, "clone", "-q", "--depth", "1", "file://" + Path, target);
        return new GitRepository(new TempDirectory(), target);
    }

    public string Git(params string[] arguments) => Run(Path, arguments);

    public void Dispose() => _root.Dispose();

    private static string Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_AUTHOR_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        start.Environment["GIT_AUTHOR_DATE"] = "2026-01-02T03:04:05Z";
        start.Environment["GIT_COMMITTER_DATE"] = "2026-01-02T03:04:05Z";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }

        return output.Result;
    }
}
