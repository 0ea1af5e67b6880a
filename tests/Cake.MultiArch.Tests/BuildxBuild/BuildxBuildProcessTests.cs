using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>BuildxBuild through Cake's real ProcessRunner and tool resolution, against a fake docker.</summary>
public sealed class BuildxBuildProcessTests
{
    [Fact]
    public void Should_Return_The_Metadata_Result_Through_The_Alias()
    {
        // Given
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: TestPaths.ReadFixture("buildx/build-multiarch-push.txt"), metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5001/tb/hello:1").WithPush();

        // When
        var result = harness.Cake.Context.BuildxBuild(settings);

        // Then
        Assert.Equal("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", result.Digest);
        Assert.Equal(["127.0.0.1:5001/tb/hello:1"], result.ImageNames);
        Assert.True(result.IsIndex);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Should_Name_The_Pushed_Image_From_The_Settings_When_A_Multi_Node_Builder_Writes_Only_The_Digest(bool pushByDigestOutput)
    {
        // Given: the metadata buildx 0.13.1 wrote for a two-node remote builder (Fixtures/Data/drivers/; no image.name, no descriptor)
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("drivers/meta-multinode-push-by-digest.json"));
        var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64");
        if (pushByDigestOutput)
        {
            settings.WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { "127.0.0.1:5000/tb/nodes" }, Push = true, PushByDigest = true, NameCanonical = true });
        }
        else
        {
            settings.WithTag("127.0.0.1:5000/tb/nodes").WithPush();
        }

        // When
        var result = harness.Cake.Context.BuildxBuild(settings);

        // Then
        Assert.Equal("sha256:f398bdc7828adb3ed61ddd720391c6b216e2bbae006e53a6f3009d31ebcb23d6", result.Digest);
        Assert.Equal(["127.0.0.1:5000/tb/nodes"], result.ImageNames);
    }

    [Fact]
    public void Should_Name_No_Image_When_The_Metadata_Names_None_And_Nothing_Was_Pushed()
    {
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("drivers/meta-multinode-push-by-digest.json"));
        var result = harness.Cake.Context.BuildxBuild(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5000/tb/nodes"));
        Assert.Empty(result.ImageNames);
    }

    [Fact]
    public void Should_Stream_Buildx_Progress_Into_The_Log()
    {
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: TestPaths.ReadFixture("buildx/build-multiarch-push.txt"), metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5001/tb/hello:1").WithPush());

        var info = harness.Cake.Log.Lines.Where(l => l.Level == LogLevel.Information).Select(l => l.Text).ToArray();
        Assert.Contains("#8 [linux/arm64 2/2] RUN echo \"arm64 $(uname -m)\" > /info", info);
        Assert.Contains("#9 exporting manifest list sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315 done", info);
        Assert.Single(info, l => l == "#8 DONE 0.1s");
        Assert.DoesNotContain(string.Empty, info);
        Assert.Contains(info, l => l.StartsWith("BuildxBuild: done in ", StringComparison.Ordinal) && l.EndsWith(": 127.0.0.1:5001/tb/hello:1@sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315 (application/vnd.oci.image.index.v1+json)", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Say_That_Foreign_Platforms_Are_Emulated()
    {
        using var harness = new BuildxHarness();
        harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64", "linux/riscv64"));
        var host = Cake.MultiArch.Platforms.Platform.Host;
        var foreign = Cake.MultiArch.Platforms.PlatformList.Format(new Cake.MultiArch.Platforms.Platform[] { "linux/amd64", "linux/arm64", "linux/riscv64" }.Where(p => p.Info.QemuName != host.Info.QemuName));
        var expected = $"BuildxBuild: {foreign} are not native on this {host} machine: unless the builder has a native node for them, its RUN steps run under QEMU emulation, often 5 to 20 times slower. Compile in a stage that starts 'FROM --platform=$BUILDPLATFORM' and cross-compile for $TARGETARCH to avoid that.";
        Assert.Contains(expected, harness.Cake.Log.Lines.Select(l => l.Text));
    }

    [Fact]
    public void Should_Carry_Dockers_Own_Error_When_It_Exits_Non_Zero()
    {
        // Given: the real text buildx prints for --load with the docker driver and two platforms.
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: "ERROR: multiple platforms feature is currently not supported for docker driver. Please switch to a different driver (eg. \"docker buildx create --use\")\n", exitCode: 1);

        // When
        var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("127.0.0.1:5001/tb/hello:default").WithPush()));

        // Then
        Assert.Equal(
            "BuildxBuild: docker buildx build failed with exit code 1. docker said:" + System.Environment.NewLine +
            "  ERROR: multiple platforms feature is currently not supported for docker driver. Please switch to a different driver (eg. \"docker buildx create --use\")",
            ex.Message);
    }

    [Fact]
    public void Should_Keep_Only_The_Last_Twenty_Stderr_Lines_In_The_Error()
    {
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: TestPaths.ReadFixture("buildx/build-multiarch-push.txt") + TestPaths.ReadFixture("buildx/error-syntax-directive-no-hub.txt"), exitCode: 1);
        var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings()));
        var lines = ex.Message.Split(System.Environment.NewLine);
        Assert.Equal(21, lines.Length);
        Assert.Equal("  ERROR: failed to solve: failed to do request: Head \"https://registry-1.docker.io/v2/docker/dockerfile/manifests/1\": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host", lines[^1]);
    }

    [Fact]
    public void Should_Fail_Clearly_When_No_Metadata_File_Is_Written()
    {
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: TestPaths.ReadFixture("buildx/warning-no-output-remote.txt"));
        var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings()));
        Assert.Matches(@"^BuildxBuild: docker buildx build succeeded but wrote no metadata file at '/.*\.json'; expected the JSON that --metadata-file asks for\. Check that the docker CLI has the buildx plugin \(docker buildx version\)\.$", ex.Message);
    }

    [Fact]
    public void Should_Return_An_Empty_Result_When_Check_Writes_No_Metadata()
    {
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build");
        var settings = harness.NewSettings();
        settings.Check = true;
        var result = harness.Run(settings);
        Assert.Null(result.Digest);
        Assert.Empty(result.ImageNames);
    }

    [Fact]
    public void Should_Find_Docker_On_Path_When_No_ToolPath()
    {
        using var harness0 = new BuildxHarness();
        using var docker = new FakeDocker();
        docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        using var harness = new BuildxHarness(variables: new Dictionary<string, string> { ["PATH"] = docker.BinDir + ":/usr/bin:/bin" });
        var settings = harness.NewSettings();
        settings.ToolPath = null;
        var result = harness.Run(settings);
        Assert.Single(docker.Calls, BuildCalls.IsBuild);
        Assert.Equal("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", result.Digest);
    }

    [Fact]
    public void Should_Say_How_To_Fix_When_Docker_Is_Not_On_Path()
    {
        using var empty = new TempDirectory();
        using var harness = new BuildxHarness(variables: new Dictionary<string, string> { ["PATH"] = empty.Path });
        var settings = harness.NewSettings();
        settings.ToolPath = null;
        var ex = Assert.Throws<CakeException>(() => harness.Run(settings));
        Assert.Equal("BuildxBuild: could not find the docker executable; looked for 'docker' on PATH and in Cake's tools. Install the Docker CLI (with the buildx plugin) or set ToolPath.", ex.Message);
    }

    [Fact]
    public void Should_Pass_Docker_Config_Host_And_Builder()
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings();
        settings.DockerConfig = "docker-config";
        settings.DockerHost = "unix:///run/user/1000/docker.sock";
        settings.BuildxBuilder = "multiarch";
        harness.Run(settings);
        var env = harness.Docker.EnvironmentOf(1);
        Assert.Equal("multiarch", env["BUILDX_BUILDER"]);
        Assert.Equal(harness.Dir.Combine("docker-config"), env["DOCKER_CONFIG"]);
        Assert.Equal("unix:///run/user/1000/docker.sock", env["DOCKER_HOST"]);
    }

    [Fact]
    public void Should_Warn_About_An_Undeclared_TargetArch_In_A_MultiPlatform_Build()
    {
        using var harness = new BuildxHarness();
        harness.Dir.WriteFile("app/Dockerfile", "FROM busybox AS build\nRUN echo building for $TARGETARCH\n");
        harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));
        var warning = Assert.Single(harness.Cake.Log.Lines, l => l.Level == LogLevel.Warning);
        // The preflight's table row: rule, severity, file:line, then the text BuildxBuild printed before.
        Assert.Equal("BuildxBuild: PlatformArgNotDeclared  warning   Dockerfile:2  RUN uses $TARGETARCH in stage 'build' (line 1), which does not declare 'ARG TARGETARCH'. BuildKit passes TARGETARCH only to FROM lines, so here it expands to an empty string and every platform can get the same binaries. Add 'ARG TARGETARCH' after that stage's FROM.", warning.Text);
    }

    [Fact]
    public void Should_Warn_About_A_Default_Value_For_TargetArch()
    {
        using var harness = new BuildxHarness();
        harness.Dir.WriteFile("app/Dockerfile", "FROM busybox AS build\nARG TARGETARCH=amd64\nRUN echo building for $TARGETARCH\n");
        harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64"));
        var warning = Assert.Single(harness.Cake.Log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Equal("BuildxBuild: PlatformArgDefault  warning   Dockerfile:2  ARG TARGETARCH=amd64 in stage 'build' (line 1) gives BuildKit's automatic argument TARGETARCH a default value. The default replaces the value BuildKit sets for each platform, so every platform gets 'amd64' and its binaries. Declare it without a value: 'ARG TARGETARCH'.", warning.Text);
    }

    [Fact]
    public void Should_Name_The_ToolPath_When_It_Does_Not_Exist()
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings();
        settings.ToolPath = "bin/docker";
        var ex = Assert.Throws<CakeException>(() => harness.Run(settings));
        Assert.Equal($"BuildxBuild: ToolPath 'bin/docker' does not exist (looked at '{harness.Dir.Path}/bin/docker'); expected the docker executable, such as '/usr/bin/docker'. Fix the path, or leave ToolPath unset to find docker on PATH.", ex.Message);
    }
}
