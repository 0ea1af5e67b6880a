using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;
using static Cake.MultiArch.Tests.BuildxBuild.Progress.ProgressFixtures;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

/// <summary>BuildxBuild's progress and summary through Cake's real ProcessRunner, against a fake docker replaying the captured progress.</summary>
public sealed class BuildxBuildProgressTests
{
    private static BuildxHarness Harness(string progressFixture, int exitCode = 0)
    {
        var harness = new BuildxHarness(buildxVersion: File.ReadAllText(ProgressFixtures.Path("buildx-version-0.13.1.txt")));
        harness.Docker.On("buildx build", stderr: File.ReadAllText(ProgressFixtures.Path(progressFixture)), exitCode: exitCode, metadataFixture: exitCode == 0 ? TestPaths.Fixture("buildx/meta.json") : null);
        return harness;
    }

    private static string[] Info(BuildxHarness harness) =>
        harness.Cake.Log.Lines.Where(l => l.Level == LogLevel.Information).Select(l => l.Text).ToArray();

    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Ask_For_Rawjson_Without_Asking_The_Version_And_Log_Readable_Lines()
        {
            // Given
            using var harness = Harness("rawjson-two-platform.txt");

            // When
            harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));

            // Then: one process, the build
            Assert.Single(harness.Docker.Calls);
            Assert.Equal(["--progress", "rawjson"], harness.Docker.BuildCall().SkipWhile(a => a != "--progress").Take(2));
            var info = Info(harness);
            Assert.Contains("#3 [linux/arm64 2/2] " + RunCommand, info);
            Assert.Contains("#3 0.486 aarch64", info);
            Assert.Contains("#3 DONE 3.7s", info);
            Assert.DoesNotContain(info, l => l.TrimStart().StartsWith('{') || l.Contains("\"vertexes\"", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Return_And_Log_The_Summary_When_The_Build_Succeeds()
        {
            // Given
            using var harness = Harness("rawjson-two-platform.txt");

            // When
            var result = harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));

            // Then
            var summary = Assert.IsType<BuildSummary>(result.Summary);
            Assert.Equal([(Amd64, 2, false), (Arm64, 2, true)], summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.Emulated)));
            Assert.Equal("BuildxBuild: " + summary, Info(harness)[^1]);
            Assert.StartsWith("BuildxBuild: Build summary: 2 platforms, 5.2s (rawjson progress)", Info(harness)[^1], StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Carry_BuildKits_Lines_And_Log_The_Summary_When_A_Run_Fails()
        {
            // Given
            using var harness = Harness("rawjson-failing-run.txt", exitCode: 1);

            // When
            var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64")));

            // Then
            var nl = System.Environment.NewLine;
            Assert.EndsWith(string.Concat(FailedBuildTail.Skip(1).Select(l => nl + "  " + l)), ex.Message);
            Assert.StartsWith("BuildxBuild: docker buildx build failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
            Assert.StartsWith("BuildxBuild: Build summary: 2 platforms, ", Info(harness)[^1], StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Log_BuildKits_Warning_As_A_Warning_When_The_Build_Has_One()
        {
            // Given
            using var harness = Harness("rawjson-warning.txt");

            // When
            harness.Run(harness.NewSettings().WithPlatform("linux/amd64"));

            // Then
            var nl = System.Environment.NewLine;
            Assert.Contains(
                (LogLevel.Warning, $"BuildxBuild: WARNING: Empty continuation line found in: COPY busybox-amd64   /bin/busybox{nl}  Empty continuation lines will become errors in a future release{nl}  More info: https://github.com/moby/moby/pull/33719"),
                harness.Cake.Log.Lines);
        }

        [Fact]
        public void Should_Keep_The_Secret_Out_Of_Log_And_Summary_When_A_Run_Prints_It()
        {
            // Given
            using var harness = Harness("rawjson-secret.txt");

            // When
            var result = harness.Run(harness.NewSettings().WithPlatform("linux/amd64").WithSecret("token", Secret));

            // Then
            Assert.Contains("#3 0.212 token is [REDACTED]", Info(harness));
            Assert.DoesNotContain(Secret, harness.Cake.Log.All, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, result.Summary!.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Read_Plain_Progress_When_Buildx_Prints_Plain_For_Rawjson()
        {
            // Given: buildx 0.10 and earlier take a progress mode they do not know as plain
            using var harness = Harness("plain-two-platform.txt");

            // When
            var result = harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));

            // Then: the lines are logged as they came and the summary is read from them
            Assert.Equal(["--progress", "rawjson"], harness.Docker.BuildCall().SkipWhile(a => a != "--progress").Take(2));
            Assert.Contains("#7 [2/2] " + RunCommand, Info(harness));
            var summary = Assert.IsType<BuildSummary>(result.Summary);
            Assert.False(summary.FromRawJson);
            Assert.StartsWith("BuildxBuild: Build summary: ", Info(harness)[^1], StringComparison.Ordinal);
            Assert.EndsWith("(plain progress)", summary.ToString().Split(System.Environment.NewLine)[0], StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Build_Again_With_Plain_Progress_And_Remember_It_When_Buildx_Refuses_Rawjson()
        {
            // Given: buildx 0.11 refuses rawjson before it builds anything (docker/buildx v0.11.2, commands/build.go)
            using var harness = new BuildxHarness();
            harness.Docker.On("buildx build", stderr: "ERROR: progress=rawjson is not a valid progress option\n", exitCode: 1, times: 1)
                .On("buildx build", stderr: File.ReadAllText(ProgressFixtures.Path("plain-two-platform.txt")), metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64");

            // When: two builds in one process
            var result = harness.Run(settings);
            harness.Run(settings);

            // Then: rawjson once, then buildx's own progress (no --progress) for both builds; the user reads why, not buildx's error
            Assert.Equal([true, false, false], harness.Docker.Calls.Select(c => c.Contains("--progress")));
            Assert.Equal(["--progress", "rawjson"], harness.Docker.Calls[0].SkipWhile(a => a != "--progress").Take(2));
            Assert.Single(Info(harness), l => l == "BuildxBuild: this buildx does not know --progress=rawjson (buildx 0.11); building again with plain progress.");
            Assert.DoesNotContain(harness.Cake.Log.Lines, l => l.Text.Contains("not a valid progress option", StringComparison.Ordinal));
            Assert.Contains("#7 [2/2] " + RunCommand, Info(harness));
            Assert.False(result.Summary!.FromRawJson);
        }

        [Fact]
        public void Should_Keep_The_Users_Plain_Progress_Without_Asking_The_Version_When_Progress_Is_Set()
        {
            // Given
            using var harness = Harness("plain-two-platform.txt");
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64");
            settings.Progress = BuildProgress.Plain;

            // When
            var result = harness.Run(settings);

            // Then
            Assert.Equal(["--progress", "plain"], Assert.Single(harness.Docker.Calls).SkipWhile(a => a != "--progress").Take(2));
            Assert.Contains("#7 [2/2] " + RunCommand, Info(harness));
            Assert.False(result.Summary!.FromRawJson);
        }

        [Fact]
        public void Should_Log_The_Json_As_It_Came_When_The_User_Asks_For_Rawjson()
        {
            // Given
            using var harness = Harness("rawjson-two-platform.txt");
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64");
            settings.Progress = BuildProgress.RawJson;

            // When
            var result = harness.Run(settings);

            // Then
            Assert.Contains("  \"vertexes\": [", Info(harness));
            Assert.DoesNotContain("#3 DONE 3.7s", Info(harness));
            Assert.True(result.Summary!.FromRawJson);
            Assert.Equal(2, result.Summary.Platforms.Count);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Should_Pass_No_Progress_When_Quiet_Is_Set(bool ci)
        {
            // Given: buildx 0.13.1 says "ERROR: progress=rawjson and quiet cannot be used together" (and the same for plain)
            using var harness = new BuildxHarness(ci, buildxVersion: File.ReadAllText(ProgressFixtures.Path("buildx-version-0.13.1.txt")));
            var settings = harness.NewSettings().WithPlatform("linux/amd64");
            settings.Quiet = true;

            // When
            var result = harness.Run(settings);

            // Then
            var argv = Assert.Single(harness.Docker.Calls);
            Assert.Contains("--quiet", argv);
            Assert.DoesNotContain("--progress", argv);
            Assert.Null(result.Summary);
        }

        [Fact]
        public void Should_Return_No_Summary_When_Progress_Is_Quiet()
        {
            // Given
            using var harness = Harness("rawjson-two-platform.txt");
            var settings = harness.NewSettings();
            settings.Progress = BuildProgress.Quiet;

            // When
            var result = harness.Run(settings);

            // Then
            Assert.Null(result.Summary);
            Assert.Single(harness.Docker.Calls);
        }
    }
}
