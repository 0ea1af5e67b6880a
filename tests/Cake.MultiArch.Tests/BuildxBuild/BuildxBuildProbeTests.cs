using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.Tests.BuildxBuild.Progress;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>
/// The probes before a build (<c>docker buildx inspect</c>, <c>docker info</c>, <c>docker buildx version</c>)
/// through Cake's real ProcessRunner against a fake docker replaying real captures: each runs once per
/// process for the same docker, environment and builder, is asked again after an alias changed the
/// builders, and the independent ones run at the same time (issue 18).
/// </summary>
public sealed class BuildxBuildProbeTests
{
    private const string Inspect = "buildx inspect";
    private const string Info = "info --format {{json .DriverStatus}}";
    private const string Version = "buildx version";

    /// <summary>A fake for a multi-platform load on the engine's own builder: inspect (docker driver), docker info (containerd store); BuildxBuild asks buildx no version (ProgressChoice).</summary>
    private static BuildxHarness Harness(double? sleepSeconds = null)
    {
        var harness = new BuildxHarness(buildxVersion: TestPaths.ReadFixture("buildx/buildx-version.txt"));
        harness.Docker.On(Inspect, stdout: File.ReadAllText(ProgressFixtures.Path("buildx-inspect-default-docker.txt")), sleepSeconds: sleepSeconds)
            .On(Info, stdout: TestPaths.ReadOutput("docker-info-driverstatus-containerd.txt"))
            .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        return harness;
    }

    private static BuildxBuildSettings LoadBoth(BuildxHarness harness) => harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithLoad();

    private static int Count(BuildxHarness harness, string prefix) =>
        harness.Docker.Calls.Count(c => string.Join(' ', c).StartsWith(prefix, StringComparison.Ordinal));

    private static int Count(BuildxHarness harness, params string[] argv) =>
        harness.Docker.Calls.Count(c => c.SequenceEqual(argv));

    private static void Build(BuildxHarness harness, BuildxBuildSettings settings) => harness.Cake.Context.BuildxBuild(settings);

    // The probe cache is the process's own (ProbeCache.Shared), and EnsureBuilder, RemoveBuilder and
    // RegisterQemu tests running beside these forget its builder answers: these run alone.
    [Collection("probe cache")]
    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Run_Each_Probe_Once_When_Two_Builds_Ask_The_Same_Docker()
        {
            // Given
            using var harness = Harness();

            // When
            Build(harness, LoadBoth(harness));
            Build(harness, LoadBoth(harness));

            // Then
            Assert.Equal(1, Count(harness, Inspect));
            Assert.Equal(1, Count(harness, Info));
            Assert.Equal(0, Count(harness, Version));
            Assert.Equal(2, Count(harness, "buildx build"));
            Assert.Equal(4, harness.Docker.Calls.Count);
            var cached = harness.Cake.Log.Lines.Where(l => l.Level == LogLevel.Verbose && l.Text.Contains("using the answer read earlier in this process", StringComparison.Ordinal)).Select(l => l.Text).ToArray();
            Assert.Equal(2, cached.Length);
            Assert.Contains(cached, l => l.StartsWith("BuildxBuild: docker buildx inspect: using the answer read earlier in this process (cached until an alias changes the builders; " + harness.Docker.Path, StringComparison.Ordinal));
            Assert.Contains(cached, l => l.StartsWith("BuildxBuild: docker info: using the answer", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Probe_Again_When_The_Environment_Names_Another_Daemon_Context_Or_Configuration()
        {
            // Given
            using var harness = Harness();
            var config = harness.Dir.Combine("docker-config");
            Directory.CreateDirectory(config);

            // When: the same docker, asked for another daemon, another context, another client configuration
            Build(harness, LoadBoth(harness));
            var otherHost = LoadBoth(harness);
            otherHost.DockerHost = "unix:///run/other-docker.sock";
            Build(harness, otherHost);
            var otherContext = LoadBoth(harness);
            otherContext.EnvironmentVariables = new Dictionary<string, string> { ["DOCKER_CONTEXT"] = "other" };
            Build(harness, otherContext);
            var otherConfig = LoadBoth(harness);
            otherConfig.DockerConfig = config;
            Build(harness, otherConfig);
            Build(harness, otherHost); // asked before: cached

            // Then
            Assert.Equal(4, Count(harness, Inspect));
            Assert.Equal(4, Count(harness, Info));
            Assert.Equal(0, Count(harness, Version));
            var hosts = harness.Docker.Calls.Select((c, i) => (c, i)).Where(x => string.Join(' ', x.c).StartsWith(Inspect, StringComparison.Ordinal))
                .Select(x => harness.Docker.EnvironmentOf(x.i + 1).GetValueOrDefault("DOCKER_HOST")).ToArray();
            Assert.Single(hosts, h => h == "unix:///run/other-docker.sock");
        }

        [Fact]
        public void Should_Inspect_Again_When_The_Build_Names_Another_Builder_And_Keep_The_Rest()
        {
            // Given
            using var harness = Harness();
            var named = LoadBoth(harness);
            named.Builder = "default";

            // When
            Build(harness, LoadBoth(harness));
            Build(harness, named);
            Build(harness, named);

            // Then: 'inspect' and 'inspect default' are two questions; the engine and buildx are the same
            Assert.Equal(1, Count(harness, "buildx", "inspect"));
            Assert.Equal(1, Count(harness, "buildx", "inspect", "default"));
            Assert.Equal(1, Count(harness, Info));
            Assert.Equal(0, Count(harness, Version));
        }

        [Fact]
        public void Should_Probe_Again_When_Another_Docker_Executable_Is_Asked()
        {
            // Given
            using var harness = Harness();
            using var other = new FakeDocker();
            other.On(Version, stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
                .On(Inspect, stdout: File.ReadAllText(ProgressFixtures.Path("buildx-inspect-default-docker.txt")))
                .On(Info, stdout: TestPaths.ReadOutput("docker-info-driverstatus-containerd.txt"))
                .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            var settings = LoadBoth(harness);
            settings.ToolPath = other.Path;

            // When
            Build(harness, LoadBoth(harness));
            Build(harness, settings);

            // Then
            Assert.Equal(2, harness.Docker.Calls.Count(c => c[0] != "buildx" || c[1] != "build"));
            Assert.Equal(2, other.Calls.Count(c => c[0] != "buildx" || c[1] != "build"));
        }

        [Fact]
        public void Should_Inspect_The_Builder_Again_After_EnsureBuilder_Created_It()
        {
            // Given: no builder 'fresh' at first; EnsureBuilder creates it
            using var harness = new BuildxHarness();
            var inspectFresh = File.ReadAllText(ProgressFixtures.Path("buildx-inspect-docker-container-inactive.txt"))
                .Replace("bp-cap-dc-6715", "fresh", StringComparison.Ordinal);
            harness.Docker.On("buildx inspect fresh", stderr: "ERROR: no builder \"fresh\" found\n", exitCode: 1, times: 1)
                .On("buildx inspect --bootstrap -- fresh", stderr: "ERROR: no builder \"fresh\" found\n", exitCode: 1, times: 1)
                .On("buildx create", stdout: "fresh\n")
                .On("buildx inspect --bootstrap -- fresh", stdout: inspectFresh)
                .On("buildx inspect fresh", stdout: inspectFresh)
                .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            var settings = LoadBoth(harness);
            settings.Builder = "fresh";

            // When
            Build(harness, settings); // no such builder: the build goes on and buildx says what it says
            harness.Cake.Context.EnsureBuilder(new EnsureBuilderSettings { Name = "fresh", Driver = BuilderDriver.DockerContainer, ToolPath = harness.Docker.Path });
            var refused = Record.Exception(() => Build(harness, settings));

            // Then: the second build read the builder EnsureBuilder made (docker-container: refused before the build)
            Assert.Equal(2, Count(harness, "buildx", "inspect", "fresh"));
            Assert.StartsWith("BuildxBuild: Load is set with 2 platforms (linux/amd64,linux/arm64), but builder 'fresh' uses the 'docker-container' driver", refused?.Message, StringComparison.Ordinal);
            Assert.Equal(1, Count(harness, "buildx build"));
        }

        [Fact]
        public void Should_Inspect_The_Builder_Again_After_RemoveBuilder()
        {
            // Given
            using var harness = Harness();
            harness.Docker.On("buildx rm", times: 1);
            var settings = LoadBoth(harness);
            settings.Builder = "gone";

            // When
            Build(harness, settings);
            harness.Cake.Context.RemoveBuilder("gone", new RemoveBuilderSettings { ToolPath = harness.Docker.Path });
            Build(harness, settings);

            // Then
            Assert.Equal(2, Count(harness, "buildx", "inspect", "gone"));
            Assert.Equal(1, Count(harness, Info)); // the engine's store is the same engine's: kept
        }

        [Fact]
        public void Should_Start_The_Build_After_The_Load_Probes_Ended_And_Ask_No_Version()
        {
            // Given: each probe takes a while, so the fake's start/end record shows the order
            using var harness = new BuildxHarness(versionSleepSeconds: 0.4);
            harness.Docker.On(Inspect, stdout: File.ReadAllText(ProgressFixtures.Path("buildx-inspect-default-docker.txt")), sleepSeconds: 0.4)
                .On(Info, stdout: TestPaths.ReadOutput("docker-info-driverstatus-containerd.txt"), sleepSeconds: 0.2)
                .On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

            // When
            Build(harness, LoadBoth(harness));

            // Then: inspect, then docker info (it needs the builder's driver), then the build; no buildx version
            var events = harness.Docker.Events;
            Assert.Equal(["buildx inspect", Info, "buildx build"], harness.Docker.Calls.Select(c => string.Join(' ', c.Take(c[0] == "buildx" ? 2 : 3))));
            Assert.Equal(["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"], events.Select(e => string.Join(' ', e.Split(' ').Take(2))));
        }
    }
}

/// <summary>Tests that count how often the process-wide probe cache asks docker run alone, with no other test clearing it meanwhile.</summary>
[CollectionDefinition("probe cache", DisableParallelization = true)]
public sealed class ProbeCacheCollection;
