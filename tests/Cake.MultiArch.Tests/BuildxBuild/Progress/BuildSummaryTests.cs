using Cake.MultiArch.BuildxBuild;
using static Cake.MultiArch.Tests.BuildxBuild.Progress.ProgressFixtures;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

public sealed class BuildSummaryTests
{
    private static BuildSummary TwoPlatformSummary() => ReadRawJson("rawjson-two-platform.txt", TwoPlatforms).Reader.Summarize()!;

    public sealed class TheToStringMethod
    {
        [Fact]
        public void Should_Print_A_Table_With_The_Hint_When_Emulated_Steps_Dominate()
        {
            // Given
            var summary = TwoPlatformSummary();

            // When
            var text = summary.ToString();

            // Then
            Assert.Equal(
                string.Join(
                    System.Environment.NewLine,
                    "Build summary: 2 platforms, 5.2s (rawjson progress)",
                    "  PLATFORM      RUN  CACHED     WALL  EMULATED",
                    "  linux/amd64     2       0     1.1s  no",
                    "  linux/arm64     2       0     3.7s  yes",
                    "  Slowest steps:",
                    "     3.7s  [linux/arm64 2/2] RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox uname … (emulated)",
                    "     1.1s  [linux/amd64 2/2] RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox uname …",
                    "  Emulated RUN steps took 3.7s of 3.7s on linux/arm64: compile in a stage that starts 'FROM --platform=$BUILDPLATFORM' and cross-compile for $TARGETARCH, so that only copying the result runs per platform."),
                text);
        }

        [Fact]
        public void Should_Print_No_Hint_When_Every_Step_Was_Cached()
        {
            // Given
            var summary = ReadRawJson("rawjson-two-platform-cached.txt", TwoPlatforms).Reader.Summarize()!;

            // When
            var text = summary.ToString();

            // Then
            Assert.Equal(
                string.Join(
                    System.Environment.NewLine,
                    "Build summary: 2 platforms, 0.2s (rawjson progress)",
                    "  PLATFORM      RUN  CACHED     WALL  EMULATED",
                    "  linux/amd64     0       2     0.0s  no",
                    "  linux/arm64     0       2     0.0s  yes"),
                text);
        }

        [Fact]
        public void Should_Print_One_Line_When_The_Summary_Has_No_Platform()
        {
            // Given
            var summary = new BuildSummary([], TimeSpan.FromSeconds(1.25), FromRawJson: false);

            // When / Then
            Assert.Equal("Build summary: 0 platforms, 1.3s (plain progress)", summary.ToString());
        }

        [Fact]
        public void Should_Print_The_Platform_Line_When_A_Platform_Summary_Is_Printed()
        {
            // Given
            var arm64 = TwoPlatformSummary().Platforms[1];

            // When / Then
            Assert.Equal($"linux/arm64: 2 run, 0 cached, 3.7s (emulated); slowest: 3.7s [linux/arm64 2/2] {RunCommand} (emulated), 0.0s [linux/arm64 1/2] COPY busybox-arm64 /bin/busybox", arm64.ToString());
        }
    }

    public sealed class TheEmulationDominatesProperty
    {
        [Theory]
        [InlineData(3.0, 5.0, true)]
        [InlineData(2.5, 5.0, false)]
        [InlineData(0.0, 0.0, false)]
        public void Should_Be_True_Only_When_Emulated_Steps_Take_More_Than_Half_The_Platform_Wall_Time(double stepSeconds, double wallSeconds, bool expected)
        {
            // Given
            var step = new BuildStepTiming("[linux/arm64 2/2] RUN make", TimeSpan.FromSeconds(stepSeconds), Emulated: true);
            var summary = new BuildSummary([new PlatformBuildSummary(Arm64, 1, 0, TimeSpan.FromSeconds(wallSeconds), Emulated: true, [step])], TimeSpan.FromSeconds(wallSeconds), FromRawJson: true);

            // When / Then
            Assert.Equal(expected, summary.EmulationDominates);
        }
    }
}
