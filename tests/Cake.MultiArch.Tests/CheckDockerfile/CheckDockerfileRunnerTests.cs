using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.CheckDockerfile;

/// <summary>
/// The preflight against the test bed's REAL registry at 127.0.0.1:5000 (tests/testbed/setup.sh):
/// testbed/busybox:1 and testbed/dotnet-deps:bookworm serve linux/amd64 and linux/arm64;
/// preflight-test/busybox-amd64:1 and …-arm64:1 are single-platform manifests;
/// preflight-test/missing:1 does not exist.
/// </summary>
public sealed class CheckDockerfileRunnerTests
{
    internal const string Registry = "127.0.0.1:5000";

    internal static void RequireRegistry()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var repository in new[] { "testbed/busybox/manifests/1", "preflight-test/busybox-amd64/manifests/1", "preflight-test/busybox-arm64/manifests/1", "testbed/dotnet-deps/manifests/bookworm" })
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Registry}/v2/{repository}");
                request.Headers.Accept.ParseAdd(MediaTypes.DockerManifestList);
                request.Headers.Accept.ParseAdd(MediaTypes.DockerManifest);
                request.Headers.Accept.ParseAdd(MediaTypes.OciIndex);
                request.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
                using var response = http.Send(request);
                if (!response.IsSuccessStatusCode)
                {
                    TestPaths.SkipOrFail($"the test-bed registry at {Registry} has no {repository} ({(int)response.StatusCode}); tests/testbed/setup.sh pushes it");
                }
            }
            catch (HttpRequestException ex)
            {
                TestPaths.SkipOrFail($"the test-bed registry at {Registry} is not reachable ({ex.Message}); tests/testbed/setup.sh starts it");
            }
        }
    }

    private static CheckDockerfileSettings Settings(params string[] platforms)
    {
        var settings = new CheckDockerfileSettings { BuildPlatform = Platform.Parse("linux/amd64"), Registry = { UseDockerConfig = false } };
        foreach (var platform in platforms)
        {
            settings.Platforms.Add(platform);
        }

        return settings;
    }

    private static (CheckDockerfileRunner Runner, TestCakeContext Cake, Func<CountingRegistryClient?> Client) NewRunner(TempDirectory dir, int holdManifests = 0)
    {
        var cake = new TestCakeContext(dir.Path);
        CountingRegistryClient? client = null;
        var runner = new CheckDockerfileRunner(cake.FileSystem, cake.Environment, cake.Log.Log, options =>
            client = new CountingRegistryClient(new RegistryClient(new RegistryClientOptions { Timeout = options.Registry.RequestTimeout, MaxAttempts = options.Registry.MaxAttempts }), holdManifests));
        return (runner, cake, () => client);
    }

    public sealed class TheCheckAsyncMethod
    {
        [Fact]
        public async Task Should_Report_The_Missing_Platform_And_The_Served_One_When_The_Base_Is_A_Single_Platform_Manifest()
        {
            // Given
            RequireRegistry();
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", $"FROM {Registry}/preflight-test/busybox-amd64:1\nRUN echo hi\n");
            var (runner, _, client) = NewRunner(dir);

            // When
            var result = await runner.CheckAsync("Dockerfile", Settings("linux/amd64", "linux/arm64"), TestContext.Current.CancellationToken);

            // Then
            Assert.Equal(
                new DockerfileFinding(
                    "BaseImagePlatformMissing",
                    FindingSeverity.Warning,
                    "Dockerfile",
                    1,
                    $"FROM in the stage that starts at line 1 pulls {Registry}/preflight-test/busybox-amd64:1 for linux/arm64, which it does not serve; it serves linux/amd64.",
                    "Use a base image (tag) that serves linux/arm64, or remove linux/arm64 from Platforms."),
                Assert.Single(result.Findings));
            var image = Assert.Single(result.BaseImages);
            Assert.Equal(($"{Registry}/preflight-test/busybox-amd64:1", BaseImageState.PlatformMissing), (image.Image, image.State));
            Assert.Equal([Platform.Parse("linux/arm64")], image.Missing);
            Assert.Equal($"{Registry}/preflight-test/busybox-amd64:1: needs linux/amd64,linux/arm64; serves linux/amd64; missing linux/arm64", image.ToString());
            Assert.Equal([$"GET manifest {Registry}/preflight-test/busybox-amd64:1", $"GET blob {Registry}/preflight-test/busybox-amd64"], client()!.Requests);
        }

        [Fact]
        public async Task Should_Find_Nothing_When_The_Index_Serves_Every_Platform()
        {
            // Given
            RequireRegistry();
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", $"FROM {Registry}/testbed/busybox:1\nARG TARGETARCH\nRUN echo $TARGETARCH\n");
            var (runner, _, client) = NewRunner(dir);

            // When
            var result = await runner.CheckAsync("Dockerfile", Settings("linux/amd64", "linux/arm64"), TestContext.Current.CancellationToken);

            // Then
            Assert.Empty(result.Findings);
            Assert.Equal("Dockerfile: no findings", result.Summary);
            Assert.Equal([Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64")], Assert.Single(result.BaseImages).Served);
            Assert.Equal([$"GET manifest {Registry}/testbed/busybox:1"], client()!.Requests);
        }

        [Fact]
        public async Task Should_Ask_Once_Per_Distinct_Image_In_Parallel_When_Ten_Stages_Use_Five_Images()
        {
            // Given
            RequireRegistry();
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", DockerfileDocumentTests.Corpus("ten-stages-five-images.Dockerfile"));
            var (runner, _, client) = NewRunner(dir, holdManifests: 5);

            // When
            var result = await runner.CheckAsync("Dockerfile", Settings("linux/amd64", "linux/arm64"), TestContext.Current.CancellationToken);

            // Then: one manifest request per image, plus the config of each single-platform manifest, all started at once.
            Assert.Equal(
                [
                    $"GET blob {Registry}/preflight-test/busybox-amd64",
                    $"GET blob {Registry}/preflight-test/busybox-arm64",
                    $"GET manifest {Registry}/preflight-test/busybox-amd64:1",
                    $"GET manifest {Registry}/preflight-test/busybox-arm64:1",
                    $"GET manifest {Registry}/preflight-test/missing:1",
                    $"GET manifest {Registry}/testbed/busybox:1",
                    $"GET manifest {Registry}/testbed/dotnet-deps:bookworm",
                ],
                client()!.Requests.Order(StringComparer.Ordinal));
            Assert.Equal(5, client()!.MaxInFlight);
            Assert.Equal(
                ["BaseImagePlatformMissing:7", "BaseImagePlatformMissing:9", "BaseImagePlatformMissing:15", "BaseImagePlatformMissing:17", "BaseImageNotFound:31"],
                result.Findings.Select(f => $"{f.RuleId}:{f.Line}"));
            Assert.Equal(
                $"FROM in stage 's3' (line 9) pulls {Registry}/preflight-test/busybox-arm64:1 for linux/amd64, which it does not serve; it serves linux/arm64.",
                result.Findings[1].Message);
            Assert.StartsWith($"COPY --from in the stage that starts at line 21 pulls {Registry}/preflight-test/missing:1, which its registry does not have: GET http://{Registry}/v2/preflight-test/missing/manifests/1 returned 404 Not Found", result.Findings[4].Message, StringComparison.Ordinal);
            Assert.Equal(
                [
                    $"{Registry}/testbed/busybox:1: needs linux/amd64,linux/arm64; serves linux/amd64,linux/arm64",
                    $"{Registry}/testbed/dotnet-deps:bookworm: needs linux/amd64,linux/arm64; serves linux/amd64,linux/arm64",
                    $"{Registry}/preflight-test/busybox-amd64:1: needs linux/amd64,linux/arm64; serves linux/amd64; missing linux/arm64",
                    $"{Registry}/preflight-test/busybox-arm64:1: needs linux/amd64; serves linux/arm64; missing linux/amd64",
                    $"{Registry}/preflight-test/missing:1: needs linux/amd64,linux/arm64; not found",
                ],
                result.BaseImages.Select(i => i.ToString()));
        }

        [Fact]
        public async Task Should_Report_Unknown_As_Info_When_The_Registry_Cannot_Be_Reached()
        {
            // Given: a loopback port nothing listens on (bound, then released).
            var port = FreePort();
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", $"FROM 127.0.0.1:{port}/team/base:1\n");
            var (runner, _, _) = NewRunner(dir);
            var settings = Settings("linux/amd64", "linux/arm64");
            settings.Registry.MaxAttempts = 1;

            // When
            var result = await runner.CheckAsync("Dockerfile", settings, TestContext.Current.CancellationToken);

            // Then
            var finding = Assert.Single(result.Findings);
            Assert.Equal(("BaseImageUnknown", FindingSeverity.Info, 1), (finding.RuleId, finding.Severity, finding.Line));
            Assert.Equal($"FROM in the stage that starts at line 1 pulls 127.0.0.1:{port}/team/base:1: unknown whether it serves linux/amd64,linux/arm64, because its registry could not be asked: GET http://127.0.0.1:{port}/v2/team/base/manifests/1 failed after 1 attempt: Connection refused (127.0.0.1:{port}). Check that 127.0.0.1:{port} is up and reachable (proxy, firewall, DNS), then run again.", finding.Message);
            Assert.Equal(BaseImageState.Unknown, Assert.Single(result.BaseImages).State);
            Assert.False(result.HasErrors);
        }

        [Fact]
        public async Task Should_Make_No_Request_When_The_Base_Image_Rule_Is_Disabled()
        {
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", $"FROM {Registry}/preflight-test/busybox-amd64:1\n");
            var (runner, _, client) = NewRunner(dir);
            var settings = Settings("linux/amd64", "linux/arm64");
            settings.DisabledRules.Add(DockerfileRules.BaseImagePlatformMissing);

            var result = await runner.CheckAsync("Dockerfile", settings, TestContext.Current.CancellationToken);

            Assert.Empty(result.Findings);
            Assert.Empty(result.BaseImages);
            Assert.Null(client());
        }

        internal static int FreePort()
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }

    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Log_A_Table_And_Throw_Listing_The_Errors_When_Warnings_Are_Errors()
        {
            // Given
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", "FROM alpine AS build\nRUN echo $TARGETARCH\nFROM alpine\nARG TARGETOS=linux\nCOPY --from=build /a /a\n");
            var (runner, cake, _) = NewRunner(dir);
            var settings = Settings("linux/amd64", "linux/arm64");
            settings.CheckBaseImages = false;
            settings.WarningsAsErrors = true;

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run("Dockerfile", settings));

            // Then
            Assert.Equal(
                "CheckDockerfile: the Dockerfile preflight found 2 errors in Dockerfile, before anything was built:" + Environment.NewLine
                + "  - Dockerfile:2: error PlatformArgNotDeclared: RUN uses $TARGETARCH in stage 'build' (line 1), which does not declare 'ARG TARGETARCH'. BuildKit passes TARGETARCH only to FROM lines, so here it expands to an empty string and every platform can get the same binaries. Add 'ARG TARGETARCH' after that stage's FROM." + Environment.NewLine
                + "  - Dockerfile:4: error PlatformArgDefault: ARG TARGETOS=linux in the stage that starts at line 3 gives BuildKit's automatic argument TARGETOS a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'linux' and its binaries. Declare it without a value: 'ARG TARGETOS'." + Environment.NewLine
                + "Fix them, or switch a rule off (DisabledRules), or turn WarningsAsErrors off to only warn.",
                ex.Message);
            Assert.Equal(
                [
                    (LogLevel.Information, "CheckDockerfile: RULE                    SEVERITY  LOCATION      MESSAGE"),
                    (LogLevel.Error, "CheckDockerfile: PlatformArgNotDeclared  error     Dockerfile:2  RUN uses $TARGETARCH in stage 'build' (line 1), which does not declare 'ARG TARGETARCH'. BuildKit passes TARGETARCH only to FROM lines, so here it expands to an empty string and every platform can get the same binaries. Add 'ARG TARGETARCH' after that stage's FROM."),
                    (LogLevel.Error, "CheckDockerfile: PlatformArgDefault      error     Dockerfile:4  ARG TARGETOS=linux in the stage that starts at line 3 gives BuildKit's automatic argument TARGETOS a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'linux' and its binaries. Declare it without a value: 'ARG TARGETOS'."),
                ],
                cake.Log.Lines.Where(l => l.Level != LogLevel.Verbose));
        }

        [Fact]
        public void Should_Return_The_Result_When_A_Rule_Is_Switched_Off()
        {
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", "FROM alpine AS build\nRUN echo $TARGETARCH\n");
            var (runner, _, _) = NewRunner(dir);
            var settings = Settings("linux/amd64");
            settings.CheckBaseImages = false;
            settings.WarningsAsErrors = true;
            settings.DisabledRules.Add(DockerfileRules.PlatformArgNotDeclared);

            var result = runner.Run("Dockerfile", settings);

            Assert.Empty(result.Findings);
        }

        [Fact]
        public void Should_List_Every_Invalid_Setting_When_The_Settings_Are_Wrong()
        {
            // Given
            using var dir = new TempDirectory();
            var (runner, _, client) = NewRunner(dir);
            var settings = Settings("linux/arm64", "linux/arm64/v8");
            settings.DisabledRules.Add("EmulatedCompiles");
            settings.MaxParallel = 0;

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run("Dockerfile", settings));

            // Then
            Assert.Equal(
                "CheckDockerfile: DisabledRules has 'EmulatedCompiles', which is not a preflight rule; expected one of ParseError, PlatformArgNotDeclared, PlatformArgDefault, TargetPlatformInBuildStage, RedundantTargetPlatform, FromPlatformFlagConstDisallowed, EmulatedCompile, BaseImagePlatformMissing, BaseImageNotFound, BaseImageUnknown. Use the DockerfileRules constants." + Environment.NewLine
                + "CheckDockerfile: Platforms lists 'linux/arm64' more than once (after normalisation); expected each platform once." + Environment.NewLine
                + "CheckDockerfile: MaxParallel is 0; expected 1 or more.",
                ex.Message);
            Assert.Null(client());
        }

        [Fact]
        public void Should_Name_The_Path_When_The_Dockerfile_Does_Not_Exist()
        {
            using var dir = new TempDirectory();
            var (runner, _, _) = NewRunner(dir);
            var ex = Assert.Throws<CakeException>(() => runner.Run("app/Dockerfile", Settings()));
            Assert.Equal($"CheckDockerfile: the Dockerfile 'app/Dockerfile' does not exist (looked at '{dir.Path}/app/Dockerfile'); expected a Dockerfile. Fix the path.", ex.Message);
        }

        [Fact]
        public void Should_Not_Write_To_The_Settings_When_Run()
        {
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", "FROM alpine\n");
            var (runner, _, _) = NewRunner(dir);
            var settings = Settings();
            settings.CheckBaseImages = false;

            runner.Run("Dockerfile", settings);

            Assert.Equal((0, 0, 0, null), (settings.Platforms.Count, settings.BuildArgs.Count, settings.DisabledRules.Count, settings.Target));
            Assert.Equal(Platform.Parse("linux/amd64"), settings.BuildPlatform);
        }
    }

    public sealed class TheBuildKitParity
    {
        [Theory]
        [MemberData(nameof(BuildKitParserParityTests.NegativeFiles), MemberType = typeof(BuildKitParserParityTests))]
        public async Task Should_Give_A_ParseError_With_Line_And_Reason_When_BuildKit_Refuses_Its_Negative_File(string name)
        {
            // Given
            using var dir = new TempDirectory();
            File.Copy(TestPaths.Fixture($"peers/buildkit/testfiles-negative/{name}/Dockerfile"), Path.Combine(dir.Path, "Dockerfile"));
            var (runner, _, client) = NewRunner(dir);

            // When
            var result = await runner.CheckAsync("Dockerfile", Settings("linux/amd64"), TestContext.Current.CancellationToken);

            // Then
            var finding = Assert.Single(result.Findings, f => f.RuleId == DockerfileRules.ParseError);
            Assert.Equal(FindingSeverity.Error, finding.Severity);
            Assert.StartsWith($"BuildKit refuses this Dockerfile at line {finding.Line}: ", finding.Message, StringComparison.Ordinal);
            Assert.Contains((string)BuildKitParserParityTests.Table("parser-cases.json")["negative"]!.AsArray().Single(n => (string)n!["name"]! == name)!["reasonFromParserSource"]!, finding.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Stop_Before_Anything_Is_Built_When_A_Line_Is_Longer_Than_BuildKit_Reads()
        {
            // Given
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", "FROM scratch\nLABEL test=" + new string('a', 65536) + "\n");
            var (runner, _, client) = NewRunner(dir);

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run("Dockerfile", Settings("linux/amd64")));

            // Then
            Assert.StartsWith("CheckDockerfile: the Dockerfile preflight found 1 error in Dockerfile, before anything was built:" + Environment.NewLine + "  - Dockerfile:2: error ParseError: BuildKit refuses this Dockerfile at line 2: the line is 65547 characters long; BuildKit reads lines of at most 65535 (\"dockerfile line greater than max allowed size of 65535\")", ex.Message, StringComparison.Ordinal);
            Assert.Null(client());
        }

        [Fact]
        public void Should_Resolve_The_Stage_Per_Platform_When_FROM_Picks_It_By_TARGETARCH()
        {
            // Given: BuildKit's docs' good example of FromPlatformFlagConstDisallowed (check-cases.json, FromPlatformFlagConstDisallowed/docs-4), with the test bed's image.
            RequireRegistry();
            using var dir = new TempDirectory();
            dir.WriteFile("Dockerfile", $"FROM --platform=linux/amd64 {Registry}/testbed/busybox:1 AS build_amd64\nRUN echo amd64 > /arch\n\nFROM --platform=linux/arm64 {Registry}/testbed/busybox:1 AS build_arm64\nRUN echo arm64 > /arch\n\nFROM build_${{TARGETARCH}} AS build\nRUN cat /arch\n");
            var (runner, _, client) = NewRunner(dir);
            var settings = Settings("linux/amd64", "linux/arm64");
            settings.WarningsAsErrors = true;

            // When
            var result = runner.Run("Dockerfile", settings);

            // Then: no BaseImageNotFound for build_amd64 / build_arm64, no failure under WarningsAsErrors.
            Assert.Empty(result.Findings);
            Assert.Equal([$"{Registry}/testbed/busybox:1"], result.BaseImages.Select(b => b.Image));
            Assert.Equal([$"GET manifest {Registry}/testbed/busybox:1"], client()!.Requests);
        }
    }
}
