using Cake.Core;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>
/// EnsureBuilder through Cake's real ProcessRunner and a fake docker replaying real buildx texts:
/// the argv of each option. The docker-container, remote and multi-node paths also run for real in
/// Integration/BuilderDriversEngineTests (issue 20); these rows stay argv-only where this machine
/// cannot run the path: moby/buildkit images from Docker Hub (no Docker Hub here) and ssh:// nodes
/// (no ssh host with a BuildKit here).
/// </summary>
public sealed class EnsureBuilderRunnerTests : IDisposable
{
    private const string Missing = "ERROR: no builder \"multiarch\" found\n";
    private readonly FakeDocker _docker = new();
    private readonly TempDirectory _dir = new();
    private readonly TestCakeContext _cake;

    public EnsureBuilderRunnerTests()
    {
        _cake = new TestCakeContext(_dir.Path);
    }

    private static string Named(string fixture, string name) =>
        TestPaths.ReadFixture(fixture).Replace("Name:          tbcontainer", "Name:          " + name, StringComparison.Ordinal).Replace("tbcontainer0", name + "0", StringComparison.Ordinal);

    private EnsureBuilderResult Run(EnsureBuilderSettings settings)
    {
        settings.ToolPath = _docker.Path;
        return _cake.Context.EnsureBuilder(settings);
    }

    private string[] Argv(int call) => _docker.Calls[call].ToArray();

    [Fact]
    public void Should_Create_The_Builder_When_Missing_And_Inspect_It_Again()
    {
        // Given
        _docker.On("buildx inspect --bootstrap -- multiarch", stderr: Missing, exitCode: 1, times: 1)
            .On("buildx ls", stdout: TestPaths.ReadFixture("buildx/buildx-ls.txt"))
            .On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
            .On("buildx create", stdout: "multiarch\n")
            .On("buildx inspect --bootstrap -- multiarch", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch"));
        _dir.WriteFile("buildkitd.toml", "debug = true\n");
        var settings = new EnsureBuilderSettings { DriverOptions = { ["image"] = "mirror.example.com/moby/buildkit:buildx-stable-1", ["network"] = "host" }, BuildkitdFlags = "--allow-insecure-entitlement network.host", BuildkitdConfig = "buildkitd.toml", NodePlatforms = { "linux/amd64", "linux/arm64" }, RequiredPlatforms = { "linux/amd64", "linux/arm64" } };

        // When
        var builder = Run(settings);

        // Then
        Assert.Equal(["buildx", "inspect", "--bootstrap", "--", "multiarch"], Argv(0));
        Assert.Equal(["buildx", "ls"], Argv(1));
        Assert.Equal(["buildx", "version"], Argv(2));
        Assert.Equal(
            ["buildx", "create", "--bootstrap", "--config", _dir.Combine("buildkitd.toml"), "--buildkitd-flags", "--allow-insecure-entitlement network.host", "--driver", "docker-container", "--driver-opt", "image=mirror.example.com/moby/buildkit:buildx-stable-1", "--driver-opt", "network=host", "--name", "multiarch", "--platform", "linux/amd64,linux/arm64", "--use"],
            Argv(3));
        Assert.Equal(["buildx", "inspect", "--bootstrap", "--", "multiarch"], Argv(4));
        Assert.Equal(5, _docker.Calls.Count);
        Assert.Equal("multiarch", builder.Name);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "EnsureBuilder: builder 'multiarch' (docker-container) created:");
    }

    [Fact]
    public void Should_Use_The_New_Config_Flag_With_Buildx_0_13()
    {
        _docker.On("buildx inspect", stderr: Missing, exitCode: 1, times: 1)
            .On("buildx version", stdout: "github.com/docker/buildx v0.26.1 8a3f5d8e\n")
            .On("buildx create")
            .On("buildx inspect", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch"));
        _dir.WriteFile("buildkitd.toml", "debug = true\n");
        Run(new EnsureBuilderSettings { BuildkitdConfig = "buildkitd.toml", Bootstrap = false, Use = false });
        Assert.Equal(["buildx", "inspect", "--", "multiarch"], Argv(0));
        Assert.Equal(["buildx", "create", "--buildkitd-config", _dir.Combine("buildkitd.toml"), "--driver", "docker-container", "--name", "multiarch"], Argv(2));
    }

    [Fact]
    public void Should_Create_A_Remote_Builder_With_Its_Endpoint_Last()
    {
        _docker.On("buildx inspect", stderr: "ERROR: no builder \"testbed-tcp\" found\n", exitCode: 1, times: 1)
            .On("buildx ls", stdout: TestPaths.ReadFixture("buildx/buildx-ls.txt"))
            .On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
            .On("buildx create")
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-remote-tcp.txt"));
        Run(new EnsureBuilderSettings { Name = "testbed-tcp", Driver = BuilderDriver.Remote, Endpoint = "tcp://127.0.0.1:1234" });
        Assert.Equal(["buildx", "create", "--bootstrap", "--driver", "remote", "--name", "testbed-tcp", "--use", "--", "tcp://127.0.0.1:1234"], Argv(3));
    }

    [Fact]
    public void Should_Change_Nothing_When_The_Builder_Matches()
    {
        _docker.On("buildx inspect", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch"))
            .On("buildx use");
        // The replayed builder lists riscv64 (another machine's); this kernel does not run it, which VerifyEmulation would rightly refuse.
        var builder = Run(new EnsureBuilderSettings { DriverOptions = { ["image"] = "moby/buildkit:buildx-stable-1" }, RequiredPlatforms = { "linux/arm64", "linux/riscv64" }, VerifyEmulation = false });
        Assert.Equal([["buildx", "inspect", "--bootstrap", "--", "multiarch"], ["buildx", "use", "--", "multiarch"]], _docker.Calls.Select(c => c.ToArray()));
        Assert.Equal("running", builder.Nodes[0].Status);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "EnsureBuilder: builder 'multiarch' (docker-container) already matches the settings; nothing changed:");
    }

    [Fact]
    public void Should_Refuse_A_Listed_Platform_This_Kernel_Cannot_Run()
    {
        // Given: the builder lists linux/riscv64 (as dockerd keeps doing after the handler is removed), and this kernel has no riscv64 handler.
        TestBed.RequireKernel();
        if (File.Exists(Path.Combine(TestBed.Binfmt, "qemu-riscv64")))
        {
            TestPaths.SkipOrFail("qemu-riscv64 is registered on this machine; the test needs it missing");
        }

        _docker.On("buildx inspect", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch"))
            .On("buildx use");

        // When
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { DriverOptions = { ["image"] = "moby/buildkit:buildx-stable-1" }, RequiredPlatforms = { "linux/arm64", "linux/riscv64" } }));

        // Then: both facts and both fixes; arm64 (registered) passed.
        Assert.Equal(
            "EnsureBuilder: builder 'multiarch' lists linux/riscv64, but this machine's kernel cannot run linux/riscv64 programs: no enabled binfmt_misc handler matches linux/riscv64 programs (no qemu-* entry): the kernel refused the program (exec format error, ENOEXEC). "
            + "Fix: register an emulator for it: RegisterQemu with Platforms = linux/riscv64. Or, if the emulator was removed after the builder started, recreate the builder (Recreate = true).",
            ex.Message);
        Assert.Equal([["buildx", "inspect", "--bootstrap", "--", "multiarch"], ["buildx", "use", "--", "multiarch"]], _docker.Calls.Select(c => c.ToArray()));
    }

    [Fact]
    public void Should_Say_Exactly_What_Differs_And_Create_Nothing()
    {
        _docker.On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-remote-tcp.txt"));
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "testbed-tcp", DriverOptions = { ["image"] = "mirror.example.com/moby/buildkit:v0.12" } }));
        Assert.Equal("EnsureBuilder: builder 'testbed-tcp' exists but differs from the settings: driver is 'remote', the settings want 'docker-container'; driver option image is not set, the settings want 'mirror.example.com/moby/buildkit:v0.12'. Set Recreate = true to remove it and create it again, or change the settings to match.", ex.Message);
        Assert.Single(_docker.Calls);
    }

    [Fact]
    public void Should_Remove_And_Create_Only_The_Named_Builder_When_Recreate()
    {
        _docker.On("buildx inspect", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch").Replace("image=\"moby/buildkit:buildx-stable-1\"", "image=\"old/buildkit:1\"", StringComparison.Ordinal), times: 1)
            .On("buildx rm")
            .On("buildx ls", stdout: TestPaths.ReadFixture("buildx/buildx-ls.txt"))
            .On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"))
            .On("buildx create")
            .On("buildx inspect", stdout: Named("buildx/buildx-inspect-docker-container.txt", "multiarch"));
        Run(new EnsureBuilderSettings { DriverOptions = { ["image"] = "moby/buildkit:buildx-stable-1" }, Recreate = true });
        Assert.Equal(["buildx", "rm", "--", "multiarch"], Argv(1));
        Assert.Equal("create", Argv(4)[1]);
        Assert.Equal(6, _docker.Calls.Count);
        Assert.Single(_docker.Calls, c => c[1] == "rm");
    }

    [Fact]
    public void Should_Append_Only_The_Missing_Nodes()
    {
        // argv-only: an ssh:// endpoint (no ssh host with a BuildKit here); two real tcp:// nodes run in BuilderDriversEngineTests
        _docker.On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt"), times: 1)
            .On("buildx use")
            .On("buildx create --append")
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt"));
        var settings = new EnsureBuilderSettings { Name = "multi", Driver = BuilderDriver.Remote, Endpoint = "unix:///run/buildkit/buildkitd.sock" };
        settings.AppendNodes.Add(new BuilderNodeSettings { Name = "multi1", Endpoint = "tcp://127.0.0.1:1234" });
        var arm = new BuilderNodeSettings { Name = "arm64-native", Endpoint = "ssh://build@arm64-host", DriverOptions = { ["network"] = "host" } };
        arm.Platforms.Add("linux/arm64");
        settings.AppendNodes.Add(arm);

        Run(settings);

        var appends = _docker.Calls.Where(c => c.Contains("--append")).ToArray();
        var append = Assert.Single(appends);
        Assert.Equal(["buildx", "create", "--append", "--driver-opt", "network=host", "--name", "multi", "--node", "arm64-native", "--platform", "linux/arm64", "--", "ssh://build@arm64-host"], append);
    }

    [Fact]
    public void Should_Name_The_Missing_Platforms_And_Both_Fixes()
    {
        _docker.On("buildx inspect", stdout: Named("buildx/buildx-inspect-docs-reference.txt", "elated_tesla"))
            .On("buildx use");
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "elated_tesla", DriverOptions = { ["network"] = "host" }, RequiredPlatforms = { "linux/amd64", "linux/arm64", "linux/riscv64" } }));
        Assert.Equal("EnsureBuilder: builder 'elated_tesla' cannot build linux/amd64,linux/riscv64; its nodes offer linux/arm64,linux/arm/v7,linux/arm/v6. Either register QEMU emulation for them (RegisterQemu, then Recreate the builder so BuildKit sees the new emulators), or append a native node (AppendNodes with an ssh:// or tcp:// endpoint).", ex.Message);
    }

    [Fact]
    public void Should_Fail_With_Buildx_Text_When_A_Node_Is_In_Error()
    {
        _docker.On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-node-error.txt"))
            .On("buildx use");
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "sys0-builder" }));
        Assert.Equal("EnsureBuilder: node 'sys0-builder0' of builder 'sys0-builder' (unix:///var/run/docker.sock) is in error: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.54/containers/buildx_buildkit_sys0-builder0/json\": context deadline exceeded. Check that its endpoint is reachable, or remove the node with 'docker buildx create --append --leave --name sys0-builder --node sys0-builder0'.", ex.Message);
    }

    [Fact]
    public void Should_Carry_Dockers_Error_When_Inspect_Fails_Otherwise()
    {
        _docker.On("buildx inspect", stderr: "ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", exitCode: 1);
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings()));
        Assert.Equal("EnsureBuilder: docker buildx inspect failed with exit code 1. docker said:" + System.Environment.NewLine + "  ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", ex.Message);
    }

    [Theory]
    [InlineData("my builder", null, "EnsureBuilder: Name 'my builder' is not a builder name; expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'multiarch'.")]
    [InlineData("b", BuilderDriver.Remote, "EnsureBuilder: Endpoint is not set, and the remote driver needs one (such as 'tcp://buildkitd:1234' or 'unix:///run/buildkit/buildkitd.sock').")]
    [InlineData("-x", BuilderDriver.Docker, "EnsureBuilder: Name '-x' is not a docker context name; expected a letter or digit, then letters, digits, '_', '.', '+' or '-' (docker's rule), such as 'default': a docker-driver builder is named after its docker context.")]
    public void Should_Refuse_Bad_Settings_Before_Starting_Docker(string name, BuilderDriver? driver, string expected)
    {
        _docker.On(string.Empty, exitCode: 99);
        var settings = new EnsureBuilderSettings { Name = name, Driver = driver ?? BuilderDriver.DockerContainer, RequiredPlatforms = { "linux/amd64", "linux/arm64" } };
        var ex = Assert.Throws<CakeException>(() => Run(settings));
        Assert.Equal(expected, ex.Message);
        Assert.Empty(_docker.Calls);
    }

    [Fact]
    public void Should_Remove_Only_The_Named_Builder()
    {
        _docker.On("buildx rm");
        Assert.True(_cake.Context.RemoveBuilder("multiarch", new RemoveBuilderSettings { ToolPath = _docker.Path, KeepState = true }));
        Assert.Equal(["buildx", "rm", "--keep-state", "--", "multiarch"], Argv(0));
    }

    [Fact]
    public void Should_Treat_Removing_A_Missing_Builder_As_Done()
    {
        _docker.On("buildx rm", stderr: TestPaths.ReadFixture("buildx/buildx-inspect-missing.txt").Replace("doesnotexist", "multiarch", StringComparison.Ordinal), exitCode: 1);
        Assert.False(_cake.Context.RemoveBuilder("multiarch", new RemoveBuilderSettings { ToolPath = _docker.Path }));
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RemoveBuilder: no builder 'multiarch' exists; nothing to remove.");
    }

    [Fact]
    public void Should_Refuse_To_Remove_The_Default_Builder()
    {
        var ex = Assert.Throws<CakeException>(() => _cake.Context.RemoveBuilder("default", new RemoveBuilderSettings { ToolPath = _docker.Path }));
        Assert.Equal("RemoveBuilder: name 'default' cannot be removed; expected the name of a builder you created (the 'default' builder belongs to the docker engine).", ex.Message);
        Assert.Empty(_docker.Calls);
    }

    [Fact]
    public void Should_Read_The_Version_Through_The_Alias()
    {
        _docker.On("buildx version", stdout: TestPaths.ReadFixture("buildx/buildx-version.txt"));
        var version = _cake.Context.BuildxVersion(new BuildxVersionSettings { ToolPath = _docker.Path });
        Assert.Equal(new Version(0, 10, 5), version.Version);
    }

    public void Dispose()
    {
        _docker.Dispose();
        _dir.Dispose();
    }
}
