using Cake.Core;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Docker;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// EnsureBuilder, RemoveBuilder and BuildxVersion against the real docker CLI, buildx 0.13.1 and
/// dockerd (containerd image store, no Docker Hub). Each test has its own DOCKER_CONFIG, so the
/// builders it makes and the "current builder" it changes are its own. In the kernel collection:
/// the kernel tests take the arm64 emulator away for a moment, and the engine's builder lists
/// linux/arm64 only while it is registered.
/// </summary>
[Collection("kernel")]
public sealed class BuilderEngineTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCakeContext _cake;
    private readonly string _config;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public BuilderEngineTests()
    {
        _cake = new TestCakeContext(_dir.Path);
        _config = _dir.Combine("docker-config");
        Directory.CreateDirectory(_config);
    }

    private static void RequireBuildx()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail($"the docker CLI with the buildx plugin is not available (tests/testbed/setup.sh installs it): {output.Trim()}");
        }

        var (infoCode, info) = TestBed.Run("docker", "info", "--format", "{{json .DriverStatus}}");
        if (infoCode != 0 || !info.Contains("io.containerd.snapshotter", StringComparison.Ordinal))
        {
            TestPaths.SkipOrFail($"dockerd with the containerd image store is not running (tests/testbed/setup.sh starts it): {info.Trim()}");
        }
    }

    /// <summary>Runs the real docker in this test's DOCKER_CONFIG.</summary>
    private (int ExitCode, string Output) Docker(params string[] arguments) =>
        TestBed.RunIn("docker", null, new Dictionary<string, string> { ["DOCKER_CONFIG"] = _config }, arguments);

    private string Current => BuildxLsParser.Current(Docker("buildx", "ls").Output)!;

    private T Settings<T>(T settings)
        where T : Cake.MultiArch.Docker.DockerSettings
    {
        settings.DockerConfig = _config;
        return settings;
    }

    [Fact]
    public void Should_Accept_The_Default_Builder_With_Amd64_And_Arm64_When_The_Store_Is_Containerd()
    {
        // Given
        RequireBuildx();

        // When
        var builder = _cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = "default", RequiredPlatforms = { "linux/amd64", "linux/arm64" } }));

        // Then
        Assert.Equal("docker", builder.Driver);
        Assert.Contains(Cake.MultiArch.Platforms.Platform.Parse("linux/amd64"), builder.Platforms);
        Assert.Contains(Cake.MultiArch.Platforms.Platform.Parse("linux/arm64"), builder.Platforms);
        Assert.Equal("'default' is the docker engine's own builder; it builds linux/amd64,linux/arm64 in one build (containerd image store)", builder.Reason);
        Assert.Equal("default", Current);
    }

    [Fact]
    public void Should_Pick_The_Engine_Builder_And_Say_Why_When_Automatic()
    {
        RequireBuildx();
        var builder = _cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Automatic = true, Name = "fallback-" + _suffix, RequiredPlatforms = { "linux/amd64", "linux/arm64" } }));
        Assert.Equal("default", builder.Name);
        Assert.Equal("Automatic: the docker engine's own builder 'default' builds linux/amd64,linux/arm64 in one build and pushes them (containerd image store)", builder.Reason);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "EnsureBuilder: " + builder.Reason + ".");
        Assert.DoesNotContain("fallback-" + _suffix, Docker("buildx", "ls").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Remove_The_Half_Made_Builder_And_Restore_The_Previous_One_When_Docker_Container_Cannot_Pull()
    {
        // Given: a builder of the user's current (a remote one, never started), and no Docker Hub
        RequireBuildx();
        var previous = "previous-" + _suffix;
        Assert.Equal(0, Docker("buildx", "create", "--driver", "remote", "--name", previous, "--use", "tcp://127.0.0.1:1").ExitCode);
        var name = "cmtest-" + _suffix;

        // When
        var ex = Assert.Throws<CakeException>(() => _cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = name, RequiredPlatforms = { "linux/amd64", "linux/arm64" } })));

        // Then
        Assert.StartsWith("EnsureBuilder: docker buildx create failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("failed to resolve reference \"docker.io/moby/buildkit:buildx-stable-1\"", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            $"EnsureBuilder: removed the half-made builder '{name}' and made '{previous}' the current builder again. Fixes: point BuildKit at a reachable mirror of moby/buildkit:buildx-stable-1 (DriverOptions[\"image\"] = \"mirror.example.com/moby/buildkit:buildx-stable-1\"), build with the engine's own builder on the containerd image store (Automatic = true), or use a BuildKit you run yourself (Driver = Remote, Endpoint = \"tcp://buildkitd:1234\").",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Equal($"ERROR: no builder \"{name}\" found", Docker("buildx", "inspect", name).Output.Trim());
        Assert.Equal(previous, Current);
    }

    [Fact]
    public void Should_Remove_A_Real_Builder_Then_Find_Nothing_To_Remove()
    {
        RequireBuildx();
        var name = "rmtest-" + _suffix;
        Assert.Equal(0, Docker("buildx", "create", "--driver", "remote", "--name", name, "tcp://127.0.0.1:1").ExitCode);

        var removed = _cake.Context.RemoveBuilder(name, Settings(new RemoveBuilderSettings()));
        var again = _cake.Context.RemoveBuilder(name, Settings(new RemoveBuilderSettings()));

        Assert.True(removed);
        Assert.False(again);
        Assert.Equal($"ERROR: no builder \"{name}\" found", Docker("buildx", "inspect", name).Output.Trim());
        Assert.Contains(_cake.Log.Lines, l => l.Text == $"RemoveBuilder: no builder '{name}' exists; nothing to remove.");
    }

    [Fact]
    public void Should_Read_The_Installed_Buildx_Version()
    {
        RequireBuildx();
        var version = _cake.Context.BuildxVersion(Settings(new BuildxVersionSettings()));
        Assert.Equal("0.13.1+ds1", version.Text);
        Assert.Equal(new Version(0, 13, 1), version.Version);
        Assert.True(version.HasBuildkitdConfigFlag);
    }

    [Theory]
    [InlineData("--all-inactive")]
    [InlineData("-f")]
    public void Should_Refuse_A_Name_Starting_With_A_Dash_And_Leave_Inactive_Builders_Alone(string name)
    {
        // Given: an inactive builder, which 'docker buildx rm --all-inactive --force' would remove
        RequireBuildx();
        var inactive = "inactive-" + _suffix;
        Assert.Equal(0, Docker("buildx", "create", "--driver", "remote", "--name", inactive, "tcp://127.0.0.1:1").ExitCode);
        using var fake = new FakeDocker();
        fake.On(string.Empty, exitCode: 99);

        // When
        var remove = Assert.Throws<CakeException>(() => _cake.Context.RemoveBuilder(name, Settings(new RemoveBuilderSettings { ToolPath = fake.Path })));
        var ensure = Assert.Throws<CakeException>(() => _cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = name, ToolPath = fake.Path })));
        var removeWithRealDocker = Assert.Throws<CakeException>(() => _cake.Context.RemoveBuilder(name, Settings(new RemoveBuilderSettings())));

        // Then
        Assert.Equal($"RemoveBuilder: name '{name}' is not a builder name; expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'multiarch'. Nothing was removed.", remove.Message);
        Assert.Equal(remove.Message, removeWithRealDocker.Message);
        Assert.Equal($"EnsureBuilder: Name '{name}' is not a builder name; expected a letter, then letters, digits, '.', '_' or '-' (buildx's rule), such as 'multiarch'.", ensure.Message);
        Assert.Empty(fake.Calls);
        Assert.Equal(0, Docker("buildx", "inspect", inactive).ExitCode);
    }

    [Fact]
    public async Task Should_Leave_One_Builder_When_Two_Runs_Ensure_The_Same_Remote_Builder_At_Once()
    {
        // Given: a real remote-driver builder (not started: create without bootstrap works without a BuildKit)
        RequireBuildx();
        var name = "shared-" + _suffix;
        using var start = new Barrier(2);
        EnsureBuilderSettings Remote() => Settings(new EnsureBuilderSettings { Name = name, Driver = BuilderDriver.Remote, Endpoint = "tcp://127.0.0.1:1", Bootstrap = false });

        // When
        var runs = new[] { new TestCakeContext(_dir.Path), new TestCakeContext(_dir.Path) }.Select(cake => Task.Run(() =>
        {
            start.SignalAndWait();
            return cake.Context.EnsureBuilder(Remote());
        })).ToArray();
        var builders = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        // Then
        Assert.All(builders, b => Assert.Equal(("remote", "tcp://127.0.0.1:1"), (b.Driver, b.Nodes.Single().Endpoint)));
        Assert.Single(BuildxLsParser.Parse(Docker("buildx", "ls").Output), e => e.Name == name);
        Assert.Equal(name, Current);
    }

    public void Dispose()
    {
        // Builders live in this test's DOCKER_CONFIG only; remove them so no engine state outlives it.
        foreach (var entry in Directory.Exists(Path.Combine(_config, "buildx", "instances")) ? Directory.GetFiles(Path.Combine(_config, "buildx", "instances")) : [])
        {
            Docker("buildx", "rm", "--", Path.GetFileName(entry));
        }

        _dir.Dispose();
    }
}
