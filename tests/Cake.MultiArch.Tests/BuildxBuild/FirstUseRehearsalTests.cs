using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>
/// What a cold process rehearses while its first build validates and docker builds
/// (FirstUseRehearsal): each rehearsal must take the path a good build takes, or it compiles the
/// wrong code and saves nothing.
/// </summary>
public sealed class FirstUseRehearsalTests
{
    public sealed class TheVerifyRehearsal
    {
        [Fact]
        public async Task Should_Pass_For_Both_Platforms_Of_Its_In_Memory_Image_Through_The_Registry_Client()
        {
            // When
            var result = await VerifyRehearsal.VerifyAsync();

            // Then
            Assert.True(result.Passed, string.Join("; ", result.Problems));
            Assert.Equal("rehearsal.invalid/app@" + result.Digest, result.Image);
            Assert.Equal(["linux/amd64", "linux/arm64"], result.Platforms.Select(p => p.Platform.ToString()));
            Assert.All(result.Platforms, p => Assert.Equal(PlatformCheckStatus.Ok, p.Status));
            Assert.Equal(2, result.AttestationManifests);
        }
    }

    public sealed class TheProgressRehearsal
    {
        [Fact]
        public void Should_Sum_Up_Both_Platforms_Of_Its_Rawjson_Build()
        {
            // When
            var summary = ProgressRehearsal.Summarize();

            // Then: a cached step and a run one, each platform emulated or not as on this host (amd64 CI: arm64 is)
            Assert.Equal(
                $"""
                Build summary: 2 platforms, 0.5s (rawjson progress)
                  PLATFORM      RUN  CACHED     WALL  EMULATED
                  linux/amd64     0       1     0.5s  {Emulated("linux/amd64")}
                  linux/arm64     1       0     0.5s  {Emulated("linux/arm64")}
                  Slowest steps:
                     0.5s  [linux/arm64 1/1] COPY app /app
                """.ReplaceLineEndings("\n"),
                summary.ReplaceLineEndings("\n"));
        }

        private static string Emulated(string platform) => Emulation.IsEmulated(Platform.Parse(platform)) ? "yes" : "no";
    }

    public sealed class ThePreflightRehearsal
    {
        [Fact]
        public async Task Should_Find_Nothing_And_Check_The_Base_Image_For_Both_Platforms()
        {
            // Given
            using var dir = new TempDirectory();
            var cake = new TestCakeContext(dir.Path);

            // When
            var result = await PreflightRehearsal.CheckAsync(cake.FileSystem, cake.Environment);

            // Then
            Assert.Empty(result.Findings);
            var image = Assert.Single(result.BaseImages);
            Assert.Equal("rehearsal.invalid/base:1", image.Image);
            Assert.Equal(BaseImageState.Ok, image.State);
            Assert.Equal(["linux/amd64", "linux/arm64"], image.Served.Select(p => p.ToString()).Order(StringComparer.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        }
    }
}
