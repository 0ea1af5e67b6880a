using static Cake.MultiArch.Tests.BuildxBuild.Progress.ProgressFixtures;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

public sealed class RawJsonProgressTests
{
    public sealed class TheReadMethod
    {
        [Fact]
        public void Should_Print_Each_Step_With_Its_Platform_When_The_Build_Has_Two()
        {
            // Given / When
            var (lines, _, _) = ReadRawJson("rawjson-two-platform.txt", TwoPlatforms);

            // Then: the final stage's "[2/2] RUN" gets the platform its inputs lead to
            Assert.Equal(
                [
                    "#7 [linux/amd64 1/2] COPY busybox-amd64 /bin/busybox",
                    "#6 [linux/amd64 2/2] " + RunCommand,
                    "#4 [linux/arm64 1/2] COPY busybox-arm64 /bin/busybox",
                    "#3 [linux/arm64 2/2] " + RunCommand,
                ],
                lines.Where(l => l.Contains("] COPY ", StringComparison.Ordinal) || l.Contains("] RUN ", StringComparison.Ordinal)));
        }

        [Fact]
        public void Should_Print_The_Run_Output_And_Durations_When_Steps_Finish()
        {
            // Given / When
            var (lines, _, _) = ReadRawJson("rawjson-two-platform.txt", TwoPlatforms);

            // Then
            Assert.Equal(
                ["#6 0.432 x86_64", "#3 0.486 aarch64", "#6 1.049 counted-100000", "#6 DONE 1.1s", "#3 3.614 counted-100000", "#3 DONE 3.7s"],
                lines.Where(l => l.StartsWith("#6 ", StringComparison.Ordinal) || l.StartsWith("#3 ", StringComparison.Ordinal)).Skip(2));
            Assert.Equal("#9 DONE 1.2s", lines[^1]);
            Assert.Contains("#9 naming to docker.io/local/bp-cap-11875:1 0.0s done", lines);
        }

        [Fact]
        public void Should_Print_Done_Once_When_BuildKit_Restarts_Internal_Work()
        {
            // Given / When
            var (lines, _, _) = ReadRawJson("rawjson-two-platform.txt", TwoPlatforms);

            // Then
            Assert.Equal(["#1 [internal] load build definition from Dockerfile", "#1 transferring dockerfile: 0.0s done", "#1 DONE 0.0s"], lines.Where(l => l.StartsWith("#1 ", StringComparison.Ordinal)));
        }

        [Fact]
        public void Should_Print_Cached_When_The_Rebuild_Hits_The_Cache()
        {
            // Given / When
            var (lines, _, _) = ReadRawJson("rawjson-two-platform-cached.txt", TwoPlatforms);

            // Then
            Assert.Equal(["#6 [linux/arm64 2/2] " + RunCommand, "#6 CACHED"], lines.Where(l => l.StartsWith("#6 ", StringComparison.Ordinal)));
            Assert.Equal(4, lines.Count(l => l.EndsWith(" CACHED", StringComparison.Ordinal)));
        }

        [Fact]
        public void Should_Print_The_Error_And_Buildx_Own_Lines_When_A_Run_Fails()
        {
            // Given / When
            var (lines, _, _) = ReadRawJson("rawjson-failing-run.txt", TwoPlatforms);

            // Then
            Assert.Equal(FailedBuildTail, lines.TakeLast(FailedBuildTail.Length));
        }

        [Fact]
        public void Should_Redact_A_Secret_When_A_Run_Step_Prints_It()
        {
            // Given: the RUN printed the secret; the fixture holds it only base64-encoded
            Assert.DoesNotContain(Secret, File.ReadAllText(Path("rawjson-secret.txt")), StringComparison.Ordinal);

            // When
            var (lines, _, reader) = ReadRawJson("rawjson-secret.txt", [Amd64]);

            // Then
            Assert.Contains("#3 0.212 token is [REDACTED]", lines);
            Assert.DoesNotContain(lines, l => l.Contains(Secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Secret, reader.Summarize()!.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Report_A_Warning_When_BuildKit_Sends_One()
        {
            // Given / When
            var (lines, warnings, _) = ReadRawJson("rawjson-warning.txt", [Amd64]);

            // Then
            Assert.Equal(
                [string.Join(System.Environment.NewLine, "WARNING: Empty continuation line found in: COPY busybox-amd64   /bin/busybox", "  Empty continuation lines will become errors in a future release", "  More info: https://github.com/moby/moby/pull/33719")],
                warnings);
            Assert.DoesNotContain(lines, l => l.Contains("WARNING", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Read_The_Same_Steps_When_Each_Document_Is_On_One_Line()
        {
            // Given
            var compact = CompactLines("rawjson-two-platform.txt");

            // When
            var (lines, _, _) = ReadRawJson("rawjson-two-platform.txt", TwoPlatforms, lines: compact);

            // Then
            Assert.Equal(ReadRawJson("rawjson-two-platform.txt", TwoPlatforms).Lines, lines);
        }

        [Fact]
        public void Should_Log_The_Json_As_It_Came_When_The_User_Asked_For_Rawjson()
        {
            // Given / When
            var (lines, warnings, reader) = ReadRawJson("rawjson-warning.txt", [Amd64], passThrough: true);

            // Then
            Assert.Equal(Lines("rawjson-warning.txt"), lines);
            Assert.Empty(warnings);
            Assert.Equal(1, reader.Summarize()!.Platforms.Single().StepsCached);
        }
    }

    public sealed class TheSummarizeMethod
    {
        [Fact]
        public void Should_Count_Both_Platforms_And_Mark_Arm64_Emulated_When_The_Build_Ran_Everything()
        {
            // Given
            var (_, _, reader) = ReadRawJson("rawjson-two-platform.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then
            Assert.True(summary.FromRawJson);
            Assert.Equal(5186, Milliseconds(summary.WallTime));
            Assert.Equal([Amd64, Arm64], summary.Platforms.Select(p => p.Platform));
            var (amd64, arm64) = (summary.Platforms[0], summary.Platforms[1]);
            Assert.Equal((2, 0, false, 1150L), (amd64.StepsRun, amd64.StepsCached, amd64.Emulated, Milliseconds(amd64.WallTime)));
            Assert.Equal((2, 0, true, 3738L), (arm64.StepsRun, arm64.StepsCached, arm64.Emulated, Milliseconds(arm64.WallTime)));
            Assert.Equal(
                [("[linux/arm64 2/2] " + RunCommand, 3712L, true), ("[linux/arm64 1/2] COPY busybox-arm64 /bin/busybox", 25L, false)],
                arm64.SlowestSteps.Select(s => (s.Name, Milliseconds(s.Duration), s.Emulated)));
            Assert.Equal(
                [("[linux/amd64 2/2] " + RunCommand, 1121L, false), ("[linux/amd64 1/2] COPY busybox-amd64 /bin/busybox", 23L, false)],
                amd64.SlowestSteps.Select(s => (s.Name, Milliseconds(s.Duration), s.Emulated)));
            Assert.True(summary.EmulationDominates);
        }

        [Fact]
        public void Should_Report_Every_Step_Cached_When_The_Rebuild_Hits_The_Cache()
        {
            // Given
            var (_, _, reader) = ReadRawJson("rawjson-two-platform-cached.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then
            Assert.Equal([(Amd64, 0, 2), (Arm64, 0, 2)], summary.Platforms.Select(p => (p.Platform, p.StepsRun, p.StepsCached)));
            Assert.All(summary.Platforms, p => Assert.Empty(p.SlowestSteps));
            Assert.False(summary.EmulationDominates);
            Assert.Null(summary.EmulationHint);
        }

        [Fact]
        public void Should_Count_The_Failed_Steps_As_Run_When_A_Run_Fails()
        {
            // Given
            var (_, _, reader) = ReadRawJson("rawjson-failing-run.txt", TwoPlatforms);

            // When
            var summary = reader.Summarize()!;

            // Then
            Assert.Equal([(Amd64, 2, 404L), (Arm64, 2, 416L)], summary.Platforms.Select(p => (p.Platform, p.StepsRun, Milliseconds(p.SlowestSteps[0].Duration))));
        }

        [Fact]
        public void Should_Give_Every_Step_To_The_Only_Platform_When_The_Build_Has_One()
        {
            // Given
            var (_, _, reader) = ReadRawJson("rawjson-secret.txt", [Amd64]);

            // When
            var summary = reader.Summarize()!;

            // Then
            var amd64 = Assert.Single(summary.Platforms);
            Assert.Equal((Amd64, 2, 0, false), (amd64.Platform, amd64.StepsRun, amd64.StepsCached, amd64.Emulated));
            Assert.Equal("[stage-0 2/2] RUN --mount=type=secret,id=token [\"/bin/busybox\", \"sh\", \"-c\", \"echo token is $(/bin/busybox cat /run/secrets/token)\"]", amd64.SlowestSteps[0].Name);
        }

        [Fact]
        public void Should_Return_Null_When_Nothing_Was_Read()
        {
            // Given
            var (_, _, reader) = ReadRawJson("none", TwoPlatforms, lines: ["ERROR: failed to solve: no such builder"]);

            // When / Then
            Assert.Null(reader.Summarize());
        }
    }
}
