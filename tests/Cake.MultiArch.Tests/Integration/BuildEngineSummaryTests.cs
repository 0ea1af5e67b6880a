using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// BuildxBuild's summary and multi-platform load on the real engine (dockerd with the containerd
/// image store, buildx 0.13, the default builder, QEMU for arm64): a <c>FROM scratch</c> image
/// holding a static busybox per <c>$TARGETARCH</c>, with a RUN step of about a second.
/// </summary>
public sealed partial class BuildEngineSummaryTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = Platform.Parse("linux/arm64");

    private const string Loop = "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done";

    /// <summary>A build context and a tag of its own, removed afterwards.</summary>
    private sealed class Bed : IDisposable
    {
        public Bed(string run)
        {
            RequireEngine();
            Dir.WriteFile("app/Dockerfile", $"FROM scratch\nARG TARGETARCH\nCOPY busybox-${{TARGETARCH}} /bin/busybox\nRUN [\"/bin/busybox\", \"sh\", \"-c\", \"{run}\"]\n");
            File.Copy("/bin/busybox", Dir.Combine("app", "busybox-amd64"));
            File.Copy(TestBed.Arm64Busybox, Dir.Combine("app", "busybox-arm64"));
            Cake = new TestCakeContext(Dir.Path);
        }

        public TempDirectory Dir { get; } = new();

        public string Tag { get; } = $"local/cake-multiarch-summary-{Guid.NewGuid():N}:1";

        public TestCakeContext Cake { get; }

        public BuildxBuildSettings NewSettings(params string[] platforms) =>
            new BuildxBuildSettings { Context = "app", Builder = "default" }.WithPlatform(platforms).WithTag(Tag);

        public BuildxBuildResult Run(BuildxBuildSettings settings) =>
            new BuildxBuildRunner(Cake.FileSystem, Cake.Environment, Cake.ProcessRunner, Cake.Tools, Cake.Log.Log).Run(settings);

        public void Dispose()
        {
            TestBed.Run("docker", "image", "rm", "-f", Tag);
            Dir.Dispose();
        }
    }

    private static void RequireEngine()
    {
        TestBed.RequireDocker();
        if (!File.Exists(TestBed.Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches busybox-static:arm64)");
        }

        if (!File.Exists(Path.Combine(TestBed.Binfmt, "qemu-aarch64")))
        {
            TestPaths.SkipOrFail("binfmt_misc has no qemu-aarch64 entry (tests/testbed/setup.sh registers it)");
        }

        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0 || BuildxVersionResult.Parse(output).Version < BuildxBuildRunner.RawJsonVersion)
        {
            TestPaths.SkipOrFail($"docker buildx 0.12 or later (rawjson progress) is needed, found: {output.Trim()}");
        }
    }

    public sealed class TheSummary
    {
        [Fact]
        public void Should_Mark_The_Arm64_Run_Emulated_When_Both_Platforms_Build()
        {
            // Given
            using var bed = new Bed($"echo {Guid.NewGuid():N}; /bin/busybox uname -m; {Loop}");
            var settings = bed.NewSettings("linux/amd64", "linux/arm64");
            settings.NoCache = true;

            // When
            var result = bed.Run(settings);

            // Then
            var summary = Assert.IsType<BuildSummary>(result.Summary);
            Assert.True(summary.FromRawJson);
            Assert.Equal([(Amd64, 2, 0, false), (Arm64, 2, 0, true)], summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.StepsCached, p.Emulated)));
            var armRun = summary.Platforms[1].SlowestSteps.Single(s => s.Name.StartsWith("[linux/arm64 2/2] RUN ", StringComparison.Ordinal));
            Assert.True(armRun.Emulated);
            Assert.DoesNotContain(summary.Platforms[0].SlowestSteps, s => s.Emulated);
            Assert.True(summary.Platforms[1].WallTime > summary.Platforms[0].WallTime, summary.ToString());
            var info = bed.Cake.Log.Lines.Where(l => l.Level == LogLevel.Information).Select(l => l.Text).ToArray();
            Assert.Contains(info, l => RunOutput().IsMatch(l) && l.EndsWith(" aarch64", StringComparison.Ordinal));
            Assert.Contains(info, l => RunOutput().IsMatch(l) && l.EndsWith(" x86_64", StringComparison.Ordinal));
            Assert.Equal("BuildxBuild: " + summary, info[^1]);
        }

        [Fact]
        public void Should_Report_The_Steps_Cached_When_The_Same_Build_Runs_Again()
        {
            // Given
            using var bed = new Bed($"echo {Guid.NewGuid():N}; {Loop}");
            bed.Run(bed.NewSettings("linux/amd64", "linux/arm64"));

            // When
            var result = bed.Run(bed.NewSettings("linux/amd64", "linux/arm64"));

            // Then
            Assert.Equal([(Amd64, 0, 2), (Arm64, 0, 2)], result.Summary!.Platforms.Select(p => (p.Platform, p.StepsRun, p.StepsCached)));
            Assert.False(result.Summary.EmulationDominates);
        }

        [Fact]
        public void Should_Carry_BuildKits_Own_Lines_When_A_Run_Fails()
        {
            // Given
            using var bed = new Bed($"echo {Guid.NewGuid():N} about to fail on $(/bin/busybox uname -m); exit 3");

            // When
            var ex = Assert.Throws<CakeException>(() => bed.Run(bed.NewSettings("linux/amd64", "linux/arm64")));

            // Then
            Assert.StartsWith("BuildxBuild: docker buildx build failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
            // Whichever platform fails first cancels the other, so either one's line may be the one shown.
            Assert.Matches(@"\n  #\d+ \d+\.\d{3} [0-9a-f]{32} about to fail on (x86_64|aarch64)\r?\n", ex.Message);
            Assert.Matches(@"\n  #\d+ ERROR: process ""/bin/busybox sh -c echo [0-9a-f]{32} about to fail on \$\(/bin/busybox uname -m\); exit 3"" did not complete successfully: exit code: 3\r?\n", ex.Message);
            Assert.Contains("\n  ERROR: failed to solve: process \"/bin/busybox sh -c echo ", ex.Message, StringComparison.Ordinal);
            Assert.StartsWith("BuildxBuild: Build summary: 2 platforms, ", bed.Cake.Log.Lines[^1].Text, StringComparison.Ordinal);
        }
    }

    public sealed class TheLoadSetting
    {
        [Fact]
        public void Should_Store_Both_Platforms_When_The_Default_Builder_Loads_Two()
        {
            // Given
            using var bed = new Bed($"echo {Guid.NewGuid():N}");

            // When
            bed.Run(bed.NewSettings("linux/amd64", "linux/arm64").WithLoad());

            // Then
            Assert.Equal((0, "aarch64"), Trim(TestBed.Run("docker", "run", "--rm", "--platform", "linux/arm64", bed.Tag, "/bin/busybox", "uname", "-m")));
            Assert.Equal((0, "x86_64"), Trim(TestBed.Run("docker", "run", "--rm", "--platform", "linux/amd64", bed.Tag, "/bin/busybox", "uname", "-m")));
        }

        [Fact]
        public void Should_Store_That_Platform_When_One_Platform_Is_Loaded()
        {
            // Given
            using var bed = new Bed($"echo {Guid.NewGuid():N}");

            // When
            bed.Run(bed.NewSettings("linux/arm64").WithLoad());

            // Then
            Assert.Equal((0, "linux/arm64"), Trim(TestBed.Run("docker", "image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", bed.Tag)));
        }

        [Fact]
        public void Should_Refuse_Before_The_Build_When_A_Docker_Container_Builder_Loads_Two()
        {
            // Given: a docker-container builder made without bootstrap, in a DOCKER_CONFIG of its own
            using var bed = new Bed($"echo {Guid.NewGuid():N}");
            var config = bed.Dir.Combine("docker-config");
            Directory.CreateDirectory(config);
            var name = $"cake-multiarch-dc-{Guid.NewGuid():N}"[..30];
            var (created, output) = TestBed.RunIn("docker", null, new Dictionary<string, string> { ["DOCKER_CONFIG"] = config }, "buildx", "create", "--driver", "docker-container", "--name", name);
            Assert.True(created == 0, output);
            var settings = bed.NewSettings("linux/amd64", "linux/arm64").WithLoad();
            settings.Builder = name;
            settings.DockerConfig = config;

            // When
            var ex = Assert.Throws<CakeException>(() => bed.Run(settings));

            // Then
            Assert.Equal(
                $"BuildxBuild: Load is set with 2 platforms (linux/amd64,linux/arm64), but builder '{name}' uses the 'docker-container' driver, which loads one platform only; expected the 'docker' driver (the engine's own builder, such as 'default') on an engine with the containerd image store, found 'docker-container'. "
                + "Build with a docker-driver builder (Builder = \"default\"), push instead (Push = true), write an OCI archive (BuildOutput.OciArchive), or load one platform per build.",
                ex.Message);
            Assert.DoesNotContain(bed.Cake.Log.Lines, l => l.Text.StartsWith("BuildxBuild: building ", StringComparison.Ordinal));
            TestBed.RunIn("docker", null, new Dictionary<string, string> { ["DOCKER_CONFIG"] = config }, "buildx", "rm", name);
        }
    }

    private static (int, string) Trim((int ExitCode, string Output) result) => (result.ExitCode, result.Output.Trim());

    [GeneratedRegex(@"^#\d+ \d+\.\d{3} ")]
    private static partial Regex RunOutput();
}
