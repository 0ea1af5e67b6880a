using Cake.Core;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>EnsureBuilder with the docker engine's own builder and Automatic, through a fake docker replaying buildx 0.13.1 texts.</summary>
public sealed class EnsureBuilderEngineTests : IDisposable
{
    private const string Info = "--context default info --format {{json .DriverStatus}}";
    private const string ClassicStore = "EnsureBuilder: 'default', the docker engine's own builder, builds one platform at a time on this engine; expected the containerd image store for linux/amd64,linux/arm64 in one build, found the classic image store ('docker info' has no driver-type io.containerd.snapshotter.v1). Either enable the containerd image store ({\"features\":{\"containerd-snapshotter\":true}} in /etc/docker/daemon.json, then restart dockerd), or use a docker-container builder (Automatic = true, or Driver = DockerContainer with a Name of your own).";
    private readonly EnsureBuilderBed _bed = new();

    private string[][] Calls => _bed.Calls;

    private EnsureBuilderResult Run(EnsureBuilderSettings settings) => _bed.Run(settings);

    private static EnsureBuilderSettings Both(EnsureBuilderSettings settings)
    {
        settings.RequiredPlatforms.Add("linux/amd64");
        settings.RequiredPlatforms.Add("linux/arm64");
        return settings;
    }

    [Fact]
    public void Should_Accept_The_Default_Builder_And_Create_Nothing_When_The_Store_Is_Containerd()
    {
        // Given
        _bed.Docker.On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: BuilderData.Containerd)
            .On("buildx use -- default");

        // When
        var builder = Run(Both(new EnsureBuilderSettings { Name = "default" }));

        // Then
        Assert.Equal(
            [["buildx", "inspect", "--", "default"], ["--context", "default", "info", "--format", "{{json .DriverStatus}}"], ["buildx", "use", "--", "default"]],
            Calls);
        Assert.Equal("docker", builder.Driver);
        Assert.Equal("'default' is the docker engine's own builder; it builds linux/amd64,linux/arm64 in one build (containerd image store)", builder.Reason);
        Assert.Contains(_bed.Cake.Log.Lines, l => l.Text == "EnsureBuilder: 'default' is the docker engine's own builder; it builds linux/amd64,linux/arm64 in one build (containerd image store).");
    }

    [Fact]
    public void Should_Name_Both_Fixes_And_Not_Advise_Removing_It_When_The_Store_Is_Classic()
    {
        _bed.Docker.On("buildx inspect", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: BuilderData.Overlay2);
        var ex = Assert.Throws<CakeException>(() => Run(Both(new EnsureBuilderSettings { Name = "default" })));
        Assert.Equal(ClassicStore, ex.Message);
        Assert.DoesNotContain("rm", ex.Message.Split(' '));
        Assert.Equal(2, _bed.Docker.Calls.Count);
    }

    [Fact]
    public void Should_Not_Ask_For_The_Store_When_One_Platform_Is_Required()
    {
        _bed.Docker.On("buildx inspect", stdout: BuilderData.EngineInspect()).On("buildx use");
        var builder = Run(new EnsureBuilderSettings { Driver = BuilderDriver.Docker, Name = "default", RequiredPlatforms = { "linux/arm64" }, Use = false });
        Assert.Equal([["buildx", "inspect", "--", "default"]], Calls);
        Assert.Equal("'default' is the docker engine's own builder (named by the settings)", builder.Reason);
    }

    [Fact]
    public void Should_Accept_A_Context_Builder_By_Its_Name_And_Never_Create_It()
    {
        // Given: a builder named after another docker context (driver docker, endpoint = the context)
        _bed.Docker.On("buildx inspect --bootstrap -- desktop-linux", stdout: BuilderData.EngineInspect("desktop-linux"))
            .On("--context desktop-linux info", stdout: BuilderData.Containerd)
            .On("buildx use");

        // When
        var builder = Run(Both(new EnsureBuilderSettings { Name = "desktop-linux" }));

        // Then
        Assert.Equal("desktop-linux", builder.Name);
        Assert.DoesNotContain(Calls, c => c.Contains("create") || c.Contains("rm"));
        Assert.Equal(["--context", "desktop-linux", "info", "--format", "{{json .DriverStatus}}"], Calls[1]);
    }

    [Fact]
    public void Should_Refuse_Recreate_Of_A_Context_Builder_Before_Changing_Anything()
    {
        _bed.Docker.On("buildx inspect", stdout: BuilderData.EngineInspect("desktop-linux"));
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "desktop-linux", Recreate = true }));
        Assert.Equal("EnsureBuilder: Recreate = true for 'desktop-linux', the docker engine's own builder; expected Recreate = false: EnsureBuilder never creates, recreates or removes the engine's builder.", ex.Message);
        Assert.Single(_bed.Docker.Calls);
    }

    [Fact]
    public void Should_Say_The_Docker_Driver_Cannot_Create_When_No_Such_Context_Exists()
    {
        _bed.Docker.On("buildx inspect", stderr: "ERROR: no builder \"ci-engine\" found\n", exitCode: 1);
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "ci-engine", Driver = BuilderDriver.Docker }));
        Assert.Equal("EnsureBuilder: builder 'ci-engine' does not exist, and the docker driver cannot create one; expected the name of a docker context (the engine's own builder is named after its context, such as 'default'). Create the context with 'docker context create', or use Driver = DockerContainer to create a builder of your own.", ex.Message);
        Assert.DoesNotContain(_bed.Cake.Log.Lines, l => l.Text.Contains("ERROR: no builder", StringComparison.Ordinal) && l.Level != Cake.Core.Diagnostics.LogLevel.Debug);
    }

    [Fact]
    public void Should_Name_The_Missing_Platform_Without_Advising_Recreate_When_The_Engine_Lacks_It()
    {
        _bed.Docker.On("buildx inspect", stdout: BuilderData.EngineInspect());
        var ex = Assert.Throws<CakeException>(() => Run(new EnsureBuilderSettings { Name = "default", RequiredPlatforms = { "linux/s390x" } }));
        Assert.Equal("EnsureBuilder: builder 'default' (the docker engine's own) cannot build linux/s390x; it offers linux/amd64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/arm64,linux/riscv64. Either register QEMU emulation for it (RegisterQemu; restart dockerd if the builder still does not list it), or use a builder with native nodes (Driver = DockerContainer or Remote with AppendNodes).", ex.Message);
    }

    [Fact]
    public void Should_Pick_The_Engine_Builder_And_Say_Why_When_Automatic_And_It_Covers_Everything()
    {
        // Given
        _bed.Docker.On("context show", stdout: BuilderData.Output("docker-context-show.txt"))
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: BuilderData.Containerd)
            .On("buildx use -- default");

        // When
        var builder = Run(Both(new EnsureBuilderSettings { Automatic = true }));

        // Then
        Assert.Equal("default", builder.Name);
        Assert.Equal("Automatic: the docker engine's own builder 'default' builds linux/amd64,linux/arm64 in one build and pushes them (containerd image store)", builder.Reason);
        Assert.Equal(4, Calls.Length);
        Assert.Equal(["context", "show"], Calls[0]);
        Assert.Equal([Info, "buildx inspect -- default"], Calls[1..3].Select(c => string.Join(' ', c)).Order(StringComparer.Ordinal)); // read side by side: either may start first
        Assert.Equal(["buildx", "use", "--", "default"], Calls[3]);
        Assert.Contains(_bed.Cake.Log.Lines, l => l.Text == "EnsureBuilder: " + builder.Reason + ".");
    }

    [Fact]
    public void Should_Read_The_Engine_Builder_And_Its_Image_Store_Side_By_Side_When_Automatic()
    {
        // Given: both reads take a while, so overlapping ones show in the fake's start/end record
        _bed.Docker.On("context show", stdout: "default\n")
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect(), sleepSeconds: 0.4)
            .On(Info, stdout: BuilderData.Containerd, sleepSeconds: 0.4)
            .On("buildx use -- default");

        // When
        var builder = Run(Both(new EnsureBuilderSettings { Automatic = true }));

        // Then: each started before the other ended, after 'docker context show' ended; 'docker info' ran once
        Assert.Equal("default", builder.Name);
        var events = _bed.Docker.Events;
        var calls = Calls.Select(c => string.Join(' ', c)).ToList();
        int At(string prefix) => events.ToList().FindIndex(e => e.StartsWith(prefix, StringComparison.Ordinal));
        var inspect = calls.IndexOf("buildx inspect -- default") + 1;
        var info = calls.IndexOf(Info) + 1;
        Assert.True(At($"start {inspect} ") < At($"end {info}") && At($"start {info} ") < At($"end {inspect}"), "the reads overlap: " + string.Join(" | ", events));
        Assert.True(At($"start {inspect} ") > At("end 1") && At($"start {info} ") > At("end 1"), "both wait for the context's name: " + string.Join(" | ", events));
        Assert.Single(calls, c => c == Info);
    }

    [Fact]
    public void Should_Report_The_Store_Probes_Own_Failure_When_Read_Side_By_Side()
    {
        // Given: 'docker info' fails (the one read beside the inspect, and the one asked again)
        _bed.Docker.On("context show", stdout: "default\n")
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", exitCode: 1);

        // When
        var ex = Assert.Throws<CakeException>(() => Run(Both(new EnsureBuilderSettings { Automatic = true })));

        // Then: docker's own line reaches the user
        Assert.Contains("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Leave_The_Settings_As_Given_When_It_Chooses_And_Uses_A_Builder()
    {
        // Given
        _bed.Docker.On("context show", stdout: "default\n")
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: BuilderData.Containerd)
            .On("buildx use -- default");
        var settings = Both(new EnsureBuilderSettings { Automatic = true, Kubernetes = null });
        settings.ToolPath = _bed.Docker.Path;
        settings.DockerConfig = _bed.Dir.Combine("docker-config");
        string Snapshot() => string.Join("; ", typeof(EnsureBuilderSettings).GetProperties().Select(p => $"{p.Name}={Render(p.GetValue(settings))}"));
        var before = Snapshot();

        // When
        var builder = _bed.Cake.Context.EnsureBuilder(settings);

        // Then
        Assert.Equal(before, Snapshot());
        Assert.Equal("multiarch", settings.Name);
        Assert.Equal("default (docker): default running linux/amd64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/arm64,linux/riscv64; " + builder.Reason, builder.ToString());

        static string Render(object? value) => value is System.Collections.IEnumerable list and not string ? string.Join(",", list.Cast<object>()) : value?.ToString() ?? "null";
    }

    [Fact]
    public void Should_Ask_For_The_Default_Builder_When_The_Docker_Cli_Has_No_Context_Show()
    {
        _bed.Docker.On("context show", stderr: "docker: 'context show' is not a docker command.\n", exitCode: 1)
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: BuilderData.Containerd)
            .On("buildx use -- default");
        var builder = Run(Both(new EnsureBuilderSettings { Automatic = true }));
        Assert.Equal("default", builder.Name);
        Assert.Contains(["buildx", "inspect", "--", "default"], Calls[1..3]); // beside 'docker --context default info': either may start first
    }

    [Fact]
    public void Should_Fail_Clearly_When_Context_Show_Prints_No_Context_Name()
    {
        _bed.Docker.On("context show", stdout: "--host\n");
        var ex = Assert.Throws<CakeException>(() => Run(Both(new EnsureBuilderSettings { Automatic = true })));
        Assert.Equal("EnsureBuilder: could not read the current docker context; expected a context name from 'docker context show', found '--host'.", ex.Message);
        Assert.Single(Calls);
    }

    [Theory]
    [InlineData("classic", null, "it builds one platform at a time (the engine uses the classic image store, not the containerd one)")]
    [InlineData("containerd", "linux/s390x", "it cannot build linux/s390x (it offers linux/amd64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/arm64,linux/riscv64)")]
    public void Should_Fall_Back_To_The_Named_Builder_And_Say_Why_When_Automatic_And_The_Engine_Cannot(string store, string? extra, string why)
    {
        // Given: the engine's builder, and an existing docker-container builder 'multiarch' that covers s390x too
        _bed.Docker.On("context show", stdout: "default\n")
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On(Info, stdout: store == "classic" ? BuilderData.Overlay2 : BuilderData.Containerd)
            .On("buildx inspect --bootstrap -- multiarch", stdout: TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal))
            .On("buildx use -- multiarch");
        // The replayed builder lists s390x (another machine's); this kernel does not run it, which VerifyEmulation would rightly refuse.
        var settings = Both(new EnsureBuilderSettings { Automatic = true, VerifyEmulation = false });
        if (extra is not null)
        {
            settings.RequiredPlatforms.Add(extra);
        }

        // When
        var builder = Run(settings);

        // Then
        Assert.Equal("multiarch", builder.Name);
        Assert.Equal($"Automatic: not the docker engine's own builder, because {why}; using the docker-container builder 'multiarch'", builder.Reason);
        Assert.Equal(["buildx", "use", "--", "multiarch"], Calls[^1]);
        Assert.DoesNotContain(Calls, c => c.Contains("create"));
    }

    public void Dispose() => _bed.Dispose();
}
