using Cake.Core;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>
/// A failed create leaves nothing behind: the half-made builder is removed and the previous builder
/// is current again. Replayed through a fake docker for the failures this machine cannot produce on
/// demand (a Docker Hub pull of moby/buildkit, a removal that fails); the real ones (no Docker Hub,
/// a stand-in image that does not exist, a node in error, a duplicate endpoint) run in
/// Integration/BuilderEngineTests and Integration/BuilderDriversEngineTests.
/// </summary>
public sealed class EnsureBuilderCreateFailureTests : IDisposable
{
    private const string Missing = "ERROR: no builder \"multiarch\" found\n";
    private const string Fixes = "Fixes: point BuildKit at a reachable mirror of moby/buildkit:buildx-stable-1 (DriverOptions[\"image\"] = \"mirror.example.com/moby/buildkit:buildx-stable-1\"), build with the engine's own builder on the containerd image store (Automatic = true), or use a BuildKit you run yourself (Driver = Remote, Endpoint = \"tcp://buildkitd:1234\").";
    private static readonly string Nl = Environment.NewLine;
    private readonly EnsureBuilderBed _bed = new();

    private string[][] Calls => _bed.Calls;

    private EnsureBuilderResult Run(EnsureBuilderSettings settings) => _bed.Run(settings);

    private FakeDocker Missing_Then(string lsFixture = "buildx-0.13-ls.txt") =>
        _bed.Docker.On("buildx inspect", stderr: Missing, exitCode: 1, times: 1)
            .On("buildx ls", stdout: BuilderData.Output(lsFixture))
            .On("buildx version", stdout: BuilderData.Output("buildx-0.13-version.txt"));

    [Fact]
    public void Should_Remove_The_Half_Made_Builder_And_Restore_The_Current_One_When_Bootstrap_Fails()
    {
        // Given: buildx's own words when it cannot pull moby/buildkit (no Docker Hub)
        Missing_Then()
            .On("buildx create", stderr: BuilderData.CreateNoHubStderr, exitCode: 1)
            .On("buildx rm", stderr: "multiarch removed\n")
            .On("buildx use");

        // When
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings()));

        // Then
        Assert.Equal(
            "EnsureBuilder: docker buildx create failed with exit code 1. docker said:" + Nl + BuilderData.Said(BuilderData.CreateNoHubStderr) + Nl
            + "EnsureBuilder: removed the half-made builder 'multiarch' and made 'default' the current builder again. " + Fixes,
            ex.Message);
        Assert.Contains("failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\"", ex.Message, StringComparison.Ordinal);
        Assert.Equal(
            [["buildx", "inspect", "--bootstrap", "--", "multiarch"], ["buildx", "ls"], ["buildx", "version"], ["buildx", "create", "--bootstrap", "--driver", "docker-container", "--name", "multiarch", "--use"], ["buildx", "rm", "--", "multiarch"], ["buildx", "use", "--", "default"]],
            Calls);
    }

    [Fact]
    public void Should_Not_Touch_The_Current_Builder_When_Use_Is_False()
    {
        Missing_Then().On("buildx create", stderr: BuilderData.CreateNoHubStderr, exitCode: 1).On("buildx rm");
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Use = false }));
        Assert.EndsWith(Nl + "EnsureBuilder: removed the half-made builder 'multiarch'. " + Fixes, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c[1] is "ls" or "use");
    }

    [Fact]
    public void Should_Clean_Up_When_The_Created_Builder_Shows_A_Node_In_Error()
    {
        Missing_Then("buildx-0.13-ls-after-failed-create.txt")
            .On("buildx create")
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-node-error.txt").Replace("sys0-builder", "multiarch", StringComparison.Ordinal))
            .On("buildx rm").On("buildx use");
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings()));
        Assert.Equal(
            "EnsureBuilder: node 'multiarch0' of builder 'multiarch' (unix:///var/run/docker.sock) is in error: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.54/containers/buildx_buildkit_multiarch0/json\": context deadline exceeded. Check that its endpoint is reachable, or remove the node with 'docker buildx create --append --leave --name multiarch --node multiarch0'." + Nl
            + "EnsureBuilder: removed the half-made builder 'multiarch' and made 'cmfix' the current builder again. " + Fixes,
            ex.Message);
        Assert.Equal([["buildx", "rm", "--", "multiarch"], ["buildx", "use", "--", "cmfix"]], Calls[^2..]);
    }

    [Fact]
    public void Should_Clean_Up_And_Name_The_Remote_Fixes_When_The_Endpoint_Does_Not_Answer()
    {
        // Given: buildx 0.13.1's words for a remote endpoint that does not answer (inspect --bootstrap, tcp://127.0.0.1:1)
        const string deadline = "#1 [internal] waiting for connection\n#1 ERROR: context deadline exceeded\n------\n > [internal] waiting for connection:\n------\nERROR: context deadline exceeded\n";
        _bed.Docker.On("buildx inspect", stderr: "ERROR: no builder \"edge\" found\n", exitCode: 1, times: 1)
            .On("buildx ls", stdout: BuilderData.Output("buildx-0.13-ls.txt"))
            .On("buildx version", stdout: BuilderData.Output("buildx-0.13-version.txt"))
            .On("buildx create", stdout: "edge\n")
            .On("buildx inspect", stderr: deadline, exitCode: 1)
            .On("buildx rm").On("buildx use");

        // When
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "edge", Driver = BuilderDriver.Remote, Endpoint = "tcp://127.0.0.1:1" }));

        // Then
        Assert.Equal(
            "EnsureBuilder: docker buildx inspect failed with exit code 1. docker said:" + Nl + BuilderData.Said(deadline) + Nl
            + "EnsureBuilder: removed the half-made builder 'edge' and made 'default' the current builder again. Fixes: check that a BuildKit daemon answers at 'tcp://127.0.0.1:1', build with the engine's own builder on the containerd image store (Automatic = true), or use a docker-container builder whose BuildKit image is reachable (Driver = DockerContainer, DriverOptions[\"image\"]).",
            ex.Message);
        Assert.Equal(["buildx", "create", "--bootstrap", "--driver", "remote", "--name", "edge", "--use", "--", "tcp://127.0.0.1:1"], Calls[3]);
    }

    [Fact]
    public void Should_Say_How_To_Finish_The_Cleanup_When_Removing_Fails()
    {
        Missing_Then()
            .On("buildx create", stderr: BuilderData.CreateNoHubStderr, exitCode: 1)
            .On("buildx rm", stderr: "ERROR: failed to remove multiarch: permission denied\n", exitCode: 1)
            .On("buildx use", stderr: "ERROR: run `docker context use default` to switch to context default\n", exitCode: 1);
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings()));
        Assert.EndsWith(
            Nl + "EnsureBuilder: could not remove the half-made builder 'multiarch' (ERROR: failed to remove multiarch: permission denied); remove it with 'docker buildx rm multiarch' and could not make 'default' the current builder again (ERROR: run `docker context use default` to switch to context default); run 'docker buildx use default'. " + Fixes,
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Accept_What_Another_Run_Made_When_Create_Says_The_Instance_Exists()
    {
        // Given: another run created 'multiarch' between our inspect and our create (buildx 0.13.1's own error)
        Missing_Then()
            .On("buildx create", stderr: BuilderData.Output("buildx-0.13-create-existing.txt").Replace("cmfix", "multiarch", StringComparison.Ordinal).Replace("rc=1\n", string.Empty, StringComparison.Ordinal), exitCode: 1)
            .On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal));

        // When
        var builder = Run(new EnsureBuilderSettings { RequiredPlatforms = { "linux/arm64" } });

        // Then
        Assert.Equal("multiarch", builder.Name);
        Assert.DoesNotContain(Calls, c => c[1] is "rm" or "use");
        Assert.Contains(_bed.Cake.Log.Lines, l => l.Text == "EnsureBuilder: builder 'multiarch' (docker-container) created by another run at the same time (accepted as it is):");
    }

    [Fact]
    public void Should_Keep_Docker_Probe_Errors_Out_Of_The_Log_When_The_Builder_Is_Missing()
    {
        Missing_Then().On("buildx create").On("buildx inspect", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal));
        Run(new EnsureBuilderSettings());
        Assert.DoesNotContain(_bed.Cake.Log.Lines, l => l.Text.Contains("no builder", StringComparison.Ordinal) && l.Level != Cake.Core.Diagnostics.LogLevel.Debug);
        Assert.Contains(_bed.Cake.Log.Lines, l => l.Text == "EnsureBuilder: builder 'multiarch' (docker-container) named by the settings.");
    }

    public void Dispose() => _bed.Dispose();
}
