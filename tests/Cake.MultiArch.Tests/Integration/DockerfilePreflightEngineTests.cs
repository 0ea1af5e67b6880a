using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Tests.CheckDockerfile;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// BuildxBuild's Dockerfile preflight with the test bed's real registry (127.0.0.1:5000) and, for
/// the build itself, the real engine (dockerd, buildx, the default builder, QEMU for arm64).
/// </summary>
public sealed class DockerfilePreflightEngineTests
{
    private const string OnePlatformBase = CheckDockerfileRunnerTests.Registry + "/preflight-test/busybox-amd64:1";

    [Fact]
    public void Should_Stop_Before_Docker_Starts_When_The_Base_Lacks_A_Platform_And_Warnings_Are_Errors()
    {
        // Given: a fake docker with no rules as ToolPath, so any docker call would be recorded.
        CheckDockerfileRunnerTests.RequireRegistry();
        using var dir = new TempDirectory();
        using var docker = new FakeDocker();
        dir.WriteFile("app/Dockerfile", $"FROM {OnePlatformBase}\nRUN [\"/bin/busybox\", \"true\"]\n");
        var cake = new TestCakeContext(dir.Path);
        var settings = new BuildxBuildSettings { Context = "app", ToolPath = docker.Path }
            .WithPlatform("linux/amd64", "linux/arm64")
            .WithPreflight(o =>
            {
                o.WarningsAsErrors = true;
                o.Registry.UseDockerConfig = false;
            });

        // When
        var ex = Assert.Throws<CakeException>(() => new BuildxBuildRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log).Run(settings));

        // Then
        Assert.Equal(
            "BuildxBuild: the Dockerfile preflight found 1 error in Dockerfile, before anything was built:" + Environment.NewLine
            + $"  - Dockerfile:1: error BaseImagePlatformMissing: FROM in the stage that starts at line 1 pulls {OnePlatformBase} for linux/arm64, which it does not serve; it serves linux/amd64. Use a base image (tag) that serves linux/arm64, or remove linux/arm64 from Platforms." + Environment.NewLine
            + "Fix them, or switch a rule off (DisabledRules), or turn WarningsAsErrors off to only warn.",
            ex.Message);
        Assert.Empty(docker.Calls);
        Assert.False(settings.Preflight.DisabledRules.Count > 0 || settings.SkipPreflight);
    }

    [Fact]
    public void Should_Warn_Before_The_Build_That_Would_Ship_Amd64_Binaries_As_Arm64_When_The_Preflight_Only_Warns()
    {
        // Given: the real engine builds amd64 + arm64 from a base that is a single amd64 manifest.
        // BuildKit takes that manifest for arm64 too, without a word: the "arm64" RUN step runs the
        // amd64 busybox natively and prints x86_64. Only the cache is kept (nothing left in dockerd).
        CheckDockerfileRunnerTests.RequireRegistry();
        TestBed.RequireDocker();
        using var dir = new TempDirectory();
        dir.WriteFile("app/Dockerfile", $"FROM {OnePlatformBase}\nRUN [\"/bin/busybox\", \"uname\", \"-m\"]\n");
        var cake = new TestCakeContext(dir.Path);
        var settings = new BuildxBuildSettings { Context = "app", Builder = "default", NoCache = true, Progress = BuildProgress.Plain }
            .WithPlatform("linux/amd64", "linux/arm64")
            .WithOutput(new BuildOutput(BuildOutputType.CacheOnly))
            .WithPreflight(o => o.Registry.UseDockerConfig = false);

        // When
        new BuildxBuildRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log).Run(settings);

        // Then: the preflight's warning came before docker started, and the build proves it right.
        var lines = cake.Log.Lines.ToList();
        var warning = lines.FindIndex(l => l.Level == LogLevel.Warning && l.Text == $"BuildxBuild: BaseImagePlatformMissing  warning   Dockerfile:1  FROM in the stage that starts at line 1 pulls {OnePlatformBase} for linux/arm64, which it does not serve; it serves linux/amd64. Use a base image (tag) that serves linux/arm64, or remove linux/arm64 from Platforms.");
        var building = lines.FindIndex(l => l.Text.StartsWith("BuildxBuild: building ", StringComparison.Ordinal));
        Assert.True(warning >= 0 && building > warning, cake.Log.All);
        var arm64Step = lines.Find(l => l.Text.Contains("[linux/arm64 2/2] RUN", StringComparison.Ordinal)).Text;
        var step = arm64Step[..arm64Step.IndexOf(' ', StringComparison.Ordinal)]; // "#7"
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l.Text, "^" + step + @" [0-9.]+ x86_64$"));
    }

    [Fact]
    public void Should_Skip_The_Preflight_And_Make_No_Registry_Request_When_SkipPreflight_Is_Set()
    {
        // Given: a base on a loopback port nothing listens on; a skipped preflight logs nothing about it.
        using var dir = new TempDirectory();
        using var docker = new FakeDocker();
        docker.On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"));
        docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        dir.WriteFile("app/Dockerfile", $"FROM 127.0.0.1:{CheckDockerfileRunnerTests.TheCheckAsyncMethod.FreePort()}/x/base:1\nRUN echo $TARGETARCH\n");
        var cake = new TestCakeContext(dir.Path);
        var settings = new BuildxBuildSettings { Context = "app", ToolPath = docker.Path }.WithPlatform("linux/amd64", "linux/arm64").WithoutPreflight();

        // When
        new BuildxBuildRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log).Run(settings);

        // Then
        Assert.DoesNotContain(cake.Log.Lines, l => l.Text.Contains("PlatformArgNotDeclared", StringComparison.Ordinal) || l.Text.Contains("BaseImage", StringComparison.Ordinal));
        Assert.Equal(["buildx", "build"], Assert.Single(docker.Calls).Take(2)); // the build alone: no probe
    }

    [Fact]
    public void Should_Check_The_Dockerfile_Through_The_Alias_When_Called_From_A_Script()
    {
        // Given
        CheckDockerfileRunnerTests.RequireRegistry();
        using var dir = new TempDirectory();
        dir.WriteFile("Dockerfile", DockerfileDocumentTests.Corpus("dotnet-heredoc-backtick.Dockerfile"));
        var cake = new TestCakeContext(dir.Path);

        // When
        var result = cake.Context.CheckDockerfile("Dockerfile", new CheckDockerfileSettings { Platforms = { "linux/amd64", "linux/arm64" }, BuildPlatform = "linux/amd64", Registry = { UseDockerConfig = false } });

        // Then: the SDK stage runs on the build platform only; the runtime base lacks arm64.
        Assert.Equal(["BaseImagePlatformMissing:22"], result.Findings.Select(f => $"{f.RuleId}:{f.Line}"));
        Assert.Equal(
            [
                $"{CheckDockerfileRunnerTests.Registry}/testbed/busybox:1: needs linux/amd64; serves linux/amd64,linux/arm64",
                $"{OnePlatformBase}: needs linux/amd64,linux/arm64; serves linux/amd64; missing linux/arm64",
            ],
            result.BaseImages.Select(i => i.ToString()));
        Assert.Contains(cake.Log.Lines, l => l.Level == LogLevel.Warning && l.Text.StartsWith("CheckDockerfile: BaseImagePlatformMissing  warning   Dockerfile:22  FROM in stage 'final' (line 22) pulls", StringComparison.Ordinal));
    }
}
