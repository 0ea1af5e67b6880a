using static Cake.MultiArch.Tests.BuildxBuild.Progress.ProgressFixtures;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

public sealed class PlainProgressTests
{
    public sealed class TheReadMethod
    {
        [Fact]
        public void Should_Log_Every_Line_As_It_Came_When_Reading_Plain_Progress()
        {
            // Given / When
            var (lines, _) = ReadPlain("plain-two-platform.txt", TwoPlatforms);

            // Then
            Assert.Equal(Lines("plain-two-platform.txt"), lines);
        }
    }

    public sealed class TheSummarizeMethod
    {
        [Fact]
        public void Should_Attribute_Only_The_Prefixed_Steps_When_The_Build_Has_Two_Platforms()
        {
            // Given: plain progress names the final stage's RUN "[2/2] RUN" for both platforms
            var (_, reader) = ReadPlain("plain-two-platform.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then
            Assert.False(summary.FromRawJson);
            Assert.Equal(
                [(Amd64, 1, 0, 100L, false), (Arm64, 1, 0, 100L, true)],
                summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.StepsCached, Milliseconds(p.WallTime), p.Emulated)));
            Assert.Equal(4300, Milliseconds(summary.WallTime)); // 0.0 ×4 + 0.1 + 0.1 + 0.8 + 3.0 + 0.3
        }

        [Fact]
        public void Should_Count_Cached_Steps_When_The_Rebuild_Hits_The_Cache()
        {
            // Given
            var (_, reader) = ReadPlain("plain-two-platform-cached.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then
            Assert.Equal([(Amd64, 0, 1), (Arm64, 0, 1)], summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.StepsCached)));
        }

        [Fact]
        public void Should_Leave_The_Unprefixed_Failed_Runs_Out_When_The_Build_Has_Two_Platforms()
        {
            // Given
            var (_, reader) = ReadPlain("plain-failing-run.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then: only the COPYs carry a platform in plain progress
            Assert.Equal(
                [(Amd64, 1, "[linux/amd64 1/2] COPY busybox-amd64 /bin/busybox"), (Arm64, 1, "[linux/arm64 1/2] COPY busybox-arm64 /bin/busybox")],
                summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.SlowestSteps.Single().Name)));
        }
    }
}
