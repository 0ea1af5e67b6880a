using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Docker;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;
using NSubstitute;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>BuildxBuildRunner with its probe and preflight replaced (the internal constructor).</summary>
public sealed class BuildxBuildCollaboratorTests
{
    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Refuse_A_Multi_Platform_Load_Before_Docker_Starts_When_The_Probe_Reads_A_Docker_Container_Builder()
        {
            // Given
            using var harness = new BuildxHarness();
            var probe = new FakeProbe(new EnsureBuilderResult("multiarch", "docker-container", null, []));
            var runner = NewRunner(harness, probe, new FakePreflight());
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithLoad();

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run(settings));

            // Then
            Assert.StartsWith("BuildxBuild: Load is set with 2 platforms (linux/amd64,linux/arm64), but builder 'multiarch' uses the 'docker-container' driver, which loads one platform only;", ex.Message);
            Assert.Empty(harness.Docker.Calls);
        }

        [Fact]
        public void Should_Hand_The_Dockerfile_And_The_Platforms_To_The_Preflight_When_The_Context_Is_Local()
        {
            // Given
            using var harness = new BuildxHarness();
            var preflight = new FakePreflight();
            var runner = NewRunner(harness, new FakeProbe(null), preflight);
            var settings = harness.NewSettings().WithPlatform("linux/arm64");

            // When
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            runner.Run(settings);

            // Then
            var (dockerfile, check, alias) = Assert.Single(preflight.Calls);
            Assert.Equal(System.IO.Path.Combine(harness.AppDir, "Dockerfile"), dockerfile.FullPath);
            Assert.Equal("linux/arm64", Assert.Single(check.Platforms).ToString());
            Assert.Equal("BuildxBuild", alias);
        }

        [Theory]
        [InlineData("SkipPreflight")]
        [InlineData("no platforms")]
        [InlineData("remote context")]
        public void Should_Not_Make_The_Preflight_When_The_Build_Checks_No_Dockerfile(string why)
        {
            // Given: a build that checks no Dockerfile, and a preflight factory that counts
            using var harness = new BuildxHarness();
            var made = 0;
            var runner = NewRunner(harness, new FakeProbe(null), () => { made++; return new FakePreflight(); });
            var settings = why switch
            {
                "SkipPreflight" => harness.NewSettings().WithPlatform("linux/arm64"),
                "no platforms" => harness.NewSettings(),
                _ => new BuildxBuildSettings { Context = "https://github.com/docker/buildx.git#v0.13.1", ToolPath = harness.NewSettings().ToolPath }.WithPlatform("linux/arm64"),
            };
            settings.SkipPreflight = why == "SkipPreflight";
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

            // When
            runner.Run(settings);

            // Then: the build ran, and nothing of the preflight was made
            Assert.Single(harness.Docker.Calls, c => c.Count > 1 && c[0] == "buildx" && c[1] == "build");
            Assert.Equal(0, made);
        }

        [Fact]
        public void Should_Make_The_Preflight_Once_Per_Checked_Dockerfile_When_The_Context_Is_Local()
        {
            // Given
            using var harness = new BuildxHarness();
            var made = 0;
            var preflight = new FakePreflight();
            var runner = NewRunner(harness, new FakeProbe(null), () => { made++; return preflight; });
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

            // When
            runner.Run(harness.NewSettings().WithPlatform("linux/arm64"));

            // Then
            Assert.Equal(1, made);
            Assert.Single(preflight.Calls);
        }

        [Fact]
        public void Should_Ask_The_Probe_For_No_Buildx_Version()
        {
            // Given: the progress is rawjson without asking buildx (ProgressChoice)
            using var harness = new BuildxHarness();
            var asked = 0;
            var probe = new FakeProbe(null) { OnReadVersion = () => asked++ };
            var runner = NewRunner(harness, probe, new FakePreflight());
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

            // When
            runner.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));

            // Then
            Assert.Equal(0, asked);
            Assert.Equal(["--progress", "rawjson"], harness.Docker.BuildCall().SkipWhile(a => a != "--progress").Take(2));
        }

        [Theory]
        [InlineData("Push")]
        [InlineData("type=registry")]
        [InlineData("type=image,push=true")]
        public void Should_Start_The_Verification_Rehearsal_Once_Docker_Has_Started_And_Before_It_Exits(string push)
        {
            // Given: a build that takes a second, so that the rehearsal's start can be placed in it
            using var harness = new BuildxHarness();
            var seen = new List<(Rehearse Parts, bool Started, bool Ended)>();
            var runner = NewRunner(harness, new FakeProbe(null), () => new FakePreflight(), parts =>
            {
                var started = SpinWait.SpinUntil(() => harness.Docker.Events.Any(e => e.StartsWith("start 1 buildx build", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
                seen.Add((parts, started, harness.Docker.Events.Contains("end 1")));
            });
            var settings = harness.NewSettings().WithTag("registry.example/app:1");
            _ = push switch
            {
                "Push" => settings.WithPush(),
                "type=registry" => settings.WithOutput(new BuildOutput(BuildOutputType.Registry)),
                _ => settings.WithOutput(new BuildOutput(BuildOutputType.Image) { Push = true }),
            };
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"), sleepSeconds: 1);

            // When
            runner.Run(settings);

            // Then: once, with the progress summary, while docker ran (the checks before it have both cores)
            Assert.Equal([(Rehearse.Verification | Rehearse.Progress, true, false)], seen);
            Assert.Single(harness.Docker.Calls, IsBuild);
        }

        [Fact]
        public void Should_Look_Docker_Up_While_The_Dockerfile_Is_Checked()
        {
            // Given: docker found through Cake's tool locator, and a preflight that waits for that lookup
            using var harness = new BuildxHarness();
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            using var asked = new ManualResetEventSlim();
            var tools = Substitute.For<IToolLocator>();
            tools.Resolve(Arg.Any<IEnumerable<string>>()).Returns(_ =>
            {
                asked.Set();
                return new FilePath(harness.Docker.Path);
            });
            var askedDuringPreflight = false;
            var preflight = new FakePreflight { OnRun = () => askedDuringPreflight = asked.Wait(TimeSpan.FromSeconds(10)) };
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("registry.example/app:1");
            settings.ToolPath = null;

            // When
            _ = NewRunner(harness, new FakeProbe(null), () => preflight, tools: tools).Run(settings);

            // Then: looked up on another thread before the check ended, once for the whole build
            Assert.True(askedDuringPreflight);
            Assert.Single(preflight.Calls);
            Assert.Single(harness.Docker.Calls, IsBuild);
            tools.Received(1).Resolve(Arg.Any<IEnumerable<string>>());
        }

        [Fact]
        public void Should_Raise_The_Tool_Locators_Error_On_The_Alias_Thread_When_The_Early_Lookup_Fails()
        {
            // Given: Cake's tool locator throws (a tools folder it cannot read)
            using var harness = new BuildxHarness();
            var tools = Substitute.For<IToolLocator>();
            tools.Resolve(Arg.Any<IEnumerable<string>>()).Returns<FilePath>(_ => throw new UnauthorizedAccessException("Access to the path '/work/tools/x' is denied."));
            var settings = harness.NewSettings().WithPlatform("linux/amd64").WithTag("registry.example/app:1").WithoutPreflight();
            settings.ToolPath = null;

            // When
            var ex = Assert.Throws<UnauthorizedAccessException>(() => NewRunner(harness, new FakeProbe(null), () => new FakePreflight(), tools: tools).Run(settings));

            // Then: the locator's own words, asked once, and nothing started
            Assert.Equal("Access to the path '/work/tools/x' is denied.", ex.Message);
            tools.Received(1).Resolve(Arg.Any<IEnumerable<string>>());
            Assert.Empty(harness.Docker.Calls);
        }

        [Theory]
        [InlineData(false, true, new[] { 1, 6 })]
        [InlineData(false, false, new[] { 1, 4 })]
        [InlineData(true, true, new[] { 6 })]
        public void Should_Rehearse_The_Preflight_When_The_Build_Will_Check_Its_Dockerfile(bool skipPreflight, bool push, int[] expected)
        {
            // Given: platforms set, so the preflight runs unless skipped
            using var harness = new BuildxHarness();
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("registry.example/app:1").WithoutPreflight(skipPreflight);
            settings.Push = push;

            // When
            var rehearsed = Rehearsed(harness, settings);

            // Then: 1 the preflight, as the build starts; then, once docker runs, 2 the verification and 4 the progress summary (rawjson, the default)
            Assert.Equal(expected.Select(e => (Rehearse)e), rehearsed);
        }

        [Theory]
        [InlineData("default", 4)]
        [InlineData("Quiet", 0)]
        [InlineData("plain", 0)]
        [InlineData("rawjson", 4)]
        public void Should_Rehearse_The_Progress_Summary_Only_When_The_Build_Reads_Rawjson_Progress(string progress, int expected)
        {
            // Given: no platforms (no preflight), no push (no verification)
            using var harness = new BuildxHarness();
            var settings = harness.NewSettings().WithTag("registry.example/app:1");
            settings.Quiet = progress == "Quiet";
            settings.Progress = progress switch { "plain" => BuildProgress.Plain, "rawjson" => BuildProgress.RawJson, _ => null };

            // When
            var rehearsed = Rehearsed(harness, settings);

            // Then: rawjson (the default, or asked for) is summed up when docker exits; plain and quiet are not rehearsed
            Assert.Equal(expected == 0 ? [] : [(Rehearse)expected], rehearsed);
        }

        [Theory]
        [InlineData("no output")]
        [InlineData("Load")]
        [InlineData("type=image,push=false")]
        [InlineData("type=local")]
        public void Should_Not_Rehearse_The_Verification_When_The_Build_Does_Not_Push(string output)
        {
            // Given
            using var harness = new BuildxHarness();
            var settings = harness.NewSettings().WithTag("registry.example/app:1");
            _ = output switch
            {
                "no output" => settings,
                "Load" => settings.WithLoad(),
                "type=image,push=false" => settings.WithOutput(new BuildOutput(BuildOutputType.Image) { Push = false }),
                _ => settings.WithOutput(BuildOutput.LocalFolder(new DirectoryPath("/tmp/out"))),
            };

            // When
            var rehearsed = Rehearsed(harness, settings);

            // Then: only the progress summary (the build reads rawjson)
            Assert.Equal([Rehearse.Progress], rehearsed);
        }

        /// <summary>Runs a build of the settings on the fake docker and returns the parts it asked to rehearse.</summary>
        private static List<Rehearse> Rehearsed(BuildxHarness harness, BuildxBuildSettings settings)
        {
            var rehearsed = new List<Rehearse>();
            var runner = NewRunner(harness, new FakeProbe(null), () => new FakePreflight(), rehearsed.Add);
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            runner.Run(settings);
            return rehearsed;
        }

        private static bool IsBuild(IReadOnlyList<string> argv) => argv.Count > 1 && argv[0] == "buildx" && argv[1] == "build";

        private static BuildxBuildRunner NewRunner(BuildxHarness harness, IBuildxProbe probe, IPreflight preflight) => NewRunner(harness, probe, () => preflight);

        private static BuildxBuildRunner NewRunner(BuildxHarness harness, IBuildxProbe probe, Func<IPreflight> preflight, Action<Rehearse>? rehearse = null, IToolLocator? tools = null) =>
            new(harness.Cake.FileSystem, harness.Cake.Environment, harness.Cake.ProcessRunner, tools ?? harness.Cake.Tools, harness.Cake.Log.Log, probe, preflight, rehearse ?? (_ => { }));
    }

    private sealed class FakeProbe(EnsureBuilderResult? builder) : IBuildxProbe
    {
        public EnsureBuilderResult? TryInspect(DockerTarget docker, string? builderName) => builder;

        public string ReadDriverStatus(DockerTarget docker, string? context) => "null";

        public Action? OnReadVersion { get; init; }

        public BuildxVersionResult ReadVersion(DockerTarget docker)
        {
            OnReadVersion?.Invoke();
            throw new CakeException("no buildx here");
        }

        public void BuildersChanged()
        {
        }
    }

    private sealed class FakePreflight : IPreflight
    {
        public List<(FilePath Dockerfile, CheckDockerfileSettings Settings, string Alias)> Calls { get; } = [];

        public Action? OnRun { get; init; }

        public void Run(FilePath dockerfile, CheckDockerfileSettings settings, string alias)
        {
            OnRun?.Invoke();
            Calls.Add((dockerfile, settings, alias));
        }
    }
}
