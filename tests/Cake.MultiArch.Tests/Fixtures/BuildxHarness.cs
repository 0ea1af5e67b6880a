using Cake.MultiArch.BuildxBuild;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// A temp folder with an app context (a Dockerfile), a fake docker that replays a real metadata
/// file, and a Cake context of real Cake.Core classes: BuildxBuild runs through Cake's real
/// ProcessRunner and the test reads the exact argv the fake received.
/// </summary>
internal sealed class BuildxHarness : IDisposable
{
    public const string Dockerfile = "FROM 127.0.0.1:5001/base/busybox:1\nARG TARGETARCH\nRUN echo \"$TARGETARCH $(uname -m)\" > /info\n";

    public BuildxHarness(bool ci = false, IDictionary<string, string>? variables = null, string? buildxVersion = null, double? versionSleepSeconds = null)
    {
        Dir = new TempDirectory();
        AppDir = Dir.Combine("app");
        Dir.WriteFile("app/Dockerfile", Dockerfile);
        Docker = new FakeDocker();
        // Answers 'docker buildx version' (buildx 0.10.5) for the aliases that ask it; BuildxBuild does not (ProgressChoice).
        Docker.On("buildx version", stdout: buildxVersion ?? TestPaths.ReadFixture("buildx/buildx-version.txt"), sleepSeconds: versionSleepSeconds);
        Cake = new TestCakeContext(Dir.Path, ci, variables);
    }

    public TempDirectory Dir { get; }

    public string AppDir { get; }

    public FakeDocker Docker { get; }

    public TestCakeContext Cake { get; }

    public BuildxBuildSettings NewSettings() => new() { Context = "app", ToolPath = Docker.Path };

    public BuildxBuildResult Run(BuildxBuildSettings settings)
    {
        if (Docker.Calls.Count == 0 && !_ruled)
        {
            Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            _ruled = true;
        }

        return new BuildxBuildRunner(Cake.FileSystem, Cake.Environment, Cake.ProcessRunner, Cake.Tools, Cake.Log.Log).Run(settings);
    }

    private bool _ruled;

    /// <summary>Runs and returns the argv without 'buildx build', the metadata-file pair and the context.</summary>
    public IReadOnlyList<string> Fragment(BuildxBuildSettings settings)
    {
        Run(settings);
        var argv = Docker.Calls[^1].ToList();
        Assert.Equal(["buildx", "build"], argv.Take(2));
        Assert.Equal(AppDir, argv[^1]);
        var metadata = argv.IndexOf("--metadata-file");
        Assert.True(metadata > 0, "--metadata-file is always passed");
        argv.RemoveRange(metadata, 2);
        if (settings.Progress is null && !settings.Quiet)
        {
            var progress = argv.IndexOf("--progress");
            Assert.True(progress > 0 && argv[progress + 1] == "rawjson", "--progress rawjson is passed when the settings choose no progress");
            argv.RemoveRange(progress, 2);
        }

        return argv.Skip(2).Take(argv.Count - 3).ToArray();
    }

    public void Dispose()
    {
        Docker.Dispose();
        Dir.Dispose();
    }
}
