using System.Formats.Tar;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Docker;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.RemoveBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// EnsureBuilder, RemoveBuilder and BuildxBuild through real docker-container and remote builders
/// (issue 20). No moby/buildkit image can be pulled here, so every builder is the engine's own
/// BuildKit: the remote driver reaches it through the test bed's proxy (tcp://127.0.0.1:1234 and
/// :1235), and the docker-container driver runs the stand-in image cake-multiarch/buildkit:engine.
/// The builder container's process is a stand-in (its buildkitd sleeps, its buildctl dials the
/// proxy); buildx's driver code (create, bootstrap, docker exec dialling, rm) and BuildKit's
/// solver and exporters are real. Each test has its own DOCKER_CONFIG and unique builder names,
/// and removes the builders (containers, volumes) it made.
/// </summary>
[Collection("engine")]
public sealed class BuilderDriversEngineTests(EngineBed bed) : IDisposable
{
    internal const string StandInImage = "cake-multiarch/buildkit:engine";
    internal const string FirstEndpoint = "tcp://127.0.0.1:1234";
    internal const string SecondEndpoint = "tcp://127.0.0.1:1235";
    private const string CopyDockerfile = "FROM scratch\nARG TARGETARCH\nCOPY ${TARGETARCH}/busybox /bin/busybox\n";

    private readonly TempDirectory _dir = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = [];

    private string Config
    {
        get
        {
            var config = _dir.Combine("docker-config");
            Directory.CreateDirectory(config);
            return config;
        }
    }

    /// <summary>Skips (fails under CI=true) unless the engine, the proxy on both ports and the stand-in image are there.</summary>
    internal static void RequireDrivers(EngineBed bed)
    {
        bed.Require();
        var (imageCode, image) = TestBed.Run("docker", "image", "inspect", "--format", "{{.Id}}", StandInImage);
        var proxy = Path.Combine(TestPaths.RepositoryRoot, "tests", "testbed", "buildkit-proxy.pl");
        var first = TestBed.Run("perl", proxy, "--check", "127.0.0.1:1234");
        var second = TestBed.Run("perl", proxy, "--check", "127.0.0.1:1235");
        if (imageCode != 0 || first.ExitCode != 0 || second.ExitCode != 0)
        {
            TestPaths.SkipOrFail($"the BuildKit proxy on 127.0.0.1:1234 and :1235 or the stand-in image {StandInImage} is missing (tests/testbed/setup.sh makes them): {image.Trim()} {first.Output.Trim()} {second.Output.Trim()}");
        }
    }

    /// <summary>Runs the real docker in this test's DOCKER_CONFIG.</summary>
    private (int ExitCode, string Output) Docker(params string[] arguments) =>
        TestBed.RunIn("docker", null, new Dictionary<string, string> { ["DOCKER_CONFIG"] = Config }, arguments);

    private string Current => BuildxLsParser.Current(Docker("buildx", "ls").Output)!;

    private T Settings<T>(T settings)
        where T : DockerSettings
    {
        settings.DockerConfig = Config;
        return settings;
    }

    /// <summary>A docker-container builder on the stand-in image (the driver options users set for a mirror).</summary>
    private EnsureBuilderSettings StandIn(string name, string? proxy = null)
    {
        var settings = Settings(new EnsureBuilderSettings { Name = name });
        settings.DriverOptions["image"] = StandInImage;
        settings.DriverOptions["network"] = "host";
        if (proxy is not null)
        {
            settings.DriverOptions["env.BUILDKIT_PROXY_ADDR"] = proxy;
        }

        _containers.Add($"buildx_buildkit_{name}0");
        return settings;
    }

    private bool ContainerExists(string container) => Docker("container", "inspect", container).ExitCode == 0;

    [Fact]
    public void Should_Create_Reread_And_Recreate_A_Docker_Container_Builder_With_Driver_Options_And_A_Buildkitd_Config()
    {
        // Given: the stand-in image as BuildKit image, host network, a buildkitd.toml and daemon flags
        // (the builder container's process is a stand-in; buildx's docker-container driver is real)
        RequireDrivers(bed);
        var name = "dc-" + _suffix;
        var toml = _dir.WriteFile("buildkitd.toml", "debug = true\n[registry.\"127.0.0.1:5000\"]\n  http = true\n");
        EnsureBuilderSettings Wanted(string? proxy = null)
        {
            var settings = StandIn(name, proxy);
            settings.BuildkitdConfig = toml;
            settings.BuildkitdFlags = "--debug";
            settings.RequiredPlatforms.Add("linux/amd64");
            settings.RequiredPlatforms.Add("linux/arm64");
            return settings;
        }

        var cake = new TestCakeContext(_dir.Path);

        // When
        var created = cake.Context.EnsureBuilder(Wanted());
        var again = cake.Context.EnsureBuilder(Wanted());
        var differs = Assert.Throws<CakeException>(() => cake.Context.EnsureBuilder(Wanted("127.0.0.1:1235")));
        var recreateSettings = Wanted("127.0.0.1:1235");
        recreateSettings.Recreate = true;
        var recreated = cake.Context.EnsureBuilder(recreateSettings);

        // Then
        var node = Assert.Single(created.Nodes);
        Assert.Equal(("docker-container", name + "0", "running", "unix:///var/run/docker.sock"), (created.Driver, node.Name, node.Status, node.Endpoint));
        Assert.Equal(new Dictionary<string, string> { ["image"] = StandInImage, ["network"] = "host" }, node.DriverOptions);
        Assert.Equal("--debug --allow-insecure-entitlement=network.host", node.DaemonFlags);
        Assert.Contains(Platform.Parse("linux/arm64"), node.Platforms);
        // buildx parses the file and writes it again (TOML re-encoded), rather than copying its bytes
        Assert.Equal("debug = true\n\n[registry]\n\n  [registry.\"127.0.0.1:5000\"]\n    http = true", Docker("exec", $"buildx_buildkit_{name}0", "cat", "/etc/buildkit/buildkitd.toml").Output.TrimEnd());
        Assert.Contains(cake.Log.Lines, l => l.Text == $"EnsureBuilder: builder '{name}' (docker-container) created:");

        // buildx adds --allow-insecure-entitlement=network.host for network=host: the re-read matches all the same
        Assert.Equal(created.Nodes, again.Nodes, (a, b) => a.Name == b.Name && a.Status == b.Status);
        Assert.Contains(cake.Log.Lines, l => l.Text == $"EnsureBuilder: builder '{name}' (docker-container) already matches the settings; nothing changed:");
        Assert.Equal($"EnsureBuilder: builder '{name}' exists but differs from the settings: driver option env.BUILDKIT_PROXY_ADDR is not set, the settings want '127.0.0.1:1235'. Set Recreate = true to remove it and create it again, or change the settings to match.", differs.Message);
        Assert.Equal("127.0.0.1:1235", recreated.Nodes.Single().DriverOptions["env.BUILDKIT_PROXY_ADDR"]);
        Assert.Equal("running", recreated.Nodes.Single().Status);
        Assert.Contains(cake.Log.Lines, l => l.Text == $"EnsureBuilder: builder '{name}' differs from the settings (driver option env.BUILDKIT_PROXY_ADDR is not set, the settings want '127.0.0.1:1235'); removing and creating it again (Recreate).");
        Assert.Equal(name, Current);
    }

    [Fact]
    public void Should_Create_And_Bootstrap_A_Remote_Builder_On_The_Proxy_Endpoint()
    {
        // Given: the remote driver pointed at the test bed's proxy (BuildKit is the engine's own, real)
        RequireDrivers(bed);
        var name = "remote-" + _suffix;
        var cake = new TestCakeContext(_dir.Path);

        // When
        var builder = cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = name, Driver = BuilderDriver.Remote, Endpoint = FirstEndpoint, RequiredPlatforms = { "linux/amd64", "linux/arm64" } }));

        // Then
        var node = Assert.Single(builder.Nodes);
        Assert.Equal(("remote", FirstEndpoint, "running", "v0.0.0+unknown"), (builder.Driver, node.Endpoint, node.Status, node.BuildkitVersion));
        Assert.Equal($"builder '{name}' (remote) named by the settings", builder.Reason);
        Assert.Equal(name, Current);
    }

    [Fact]
    public void Should_Append_An_Arm64_Node_On_The_Second_Endpoint_Then_Change_Nothing_On_The_Next_Run()
    {
        // Given: two remote nodes, amd64 on :1234 and arm64 on :1235 (one BuildKit behind both)
        RequireDrivers(bed);
        var name = "nodes-" + _suffix;
        EnsureBuilderSettings Wanted() => Settings(new EnsureBuilderSettings
        {
            Name = name,
            Driver = BuilderDriver.Remote,
            Endpoint = FirstEndpoint,
            NodePlatforms = { "linux/amd64" },
            AppendNodes = { BuilderNodeSettings.Native(name + "-arm64", "linux/arm64", SecondEndpoint) },
            RequiredPlatforms = { "linux/amd64", "linux/arm64" },
        });
        var cake = new TestCakeContext(_dir.Path);

        // When
        var created = cake.Context.EnsureBuilder(Wanted());
        var again = cake.Context.EnsureBuilder(Wanted());

        // Then: the platforms a node was given come first (buildx marks them with *)
        Assert.Equal(
            [(name + "0", FirstEndpoint, "linux/amd64"), (name + "-arm64", SecondEndpoint, "linux/arm64")],
            created.Nodes.Select(n => (n.Name, n.Endpoint!, n.Platforms[0].ToString())));
        Assert.All(created.Nodes, n => Assert.Equal("running", n.Status));
        Assert.Contains(cake.Log.Lines, l => l.Text == $"EnsureBuilder: builder '{name}' (remote) created, appended node '{name}-arm64':");
        Assert.Equal(2, again.Nodes.Count);
        Assert.Contains(cake.Log.Lines, l => l.Text == $"EnsureBuilder: builder '{name}' (remote) already matches the settings; nothing changed:");
    }

    [Fact]
    public void Should_Carry_Buildx_Refusal_And_Remove_The_Half_Made_Builder_When_Two_Nodes_Share_An_Endpoint()
    {
        // Given: the second node on the first node's endpoint, which buildx refuses (no fake docker said so)
        RequireDrivers(bed);
        var name = "dup-" + _suffix;
        var cake = new TestCakeContext(_dir.Path);
        var settings = Settings(new EnsureBuilderSettings { Name = name, Driver = BuilderDriver.Remote, Endpoint = FirstEndpoint, AppendNodes = { BuilderNodeSettings.Native(name + "-arm64", "linux/arm64", FirstEndpoint) } });

        // When
        var ex = Assert.Throws<CakeException>(() => cake.Context.EnsureBuilder(settings));

        // Then
        Assert.StartsWith($"EnsureBuilder: docker buildx create --append (node '{name}-arm64') failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid duplicate endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"EnsureBuilder: removed the half-made builder '{name}' and made 'default' the current builder again.", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"ERROR: no builder \"{name}\" found", Docker("buildx", "inspect", name).Output.Trim());
        Assert.Equal("default", Current);
    }

    [Fact]
    public void Should_Choose_The_Named_Docker_Container_Builder_When_Automatic_And_The_Engine_Builder_Lacks_A_Platform()
    {
        // Given: linux/arm/v7, which the engine's builder does not list here although the kernel runs it
        // (qemu-arm is registered; so EnsureBuilder's emulation check passes), given to the
        // docker-container node by hand (--platform)
        RequireDrivers(bed);
        var offered = Docker("buildx", "inspect", "default").Output;
        Assert.DoesNotContain("linux/arm/v7", offered, StringComparison.Ordinal);
        var name = "auto-" + _suffix;
        var settings = StandIn(name);
        settings.Automatic = true;
        foreach (var platform in new[] { "linux/amd64", "linux/arm64", "linux/arm/v7" })
        {
            settings.RequiredPlatforms.Add(platform);
            settings.NodePlatforms.Add(platform);
        }

        var cake = new TestCakeContext(_dir.Path);

        // When
        var builder = cake.Context.EnsureBuilder(settings);

        // Then
        Assert.Equal((name, "docker-container"), (builder.Name, builder.Driver));
        Assert.StartsWith("Automatic: not the docker engine's own builder, because it cannot build linux/arm/v7 (it offers linux/amd64,", builder.Reason, StringComparison.Ordinal);
        Assert.EndsWith($"); using the docker-container builder '{name}'", builder.Reason, StringComparison.Ordinal);
        Assert.Equal([Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64"), Platform.Parse("linux/arm/v7")], builder.Nodes.Single().Platforms.Take(3));
        Assert.Equal(name, Current);
    }

    [Fact]
    public void Should_Remove_The_Half_Made_Builder_And_Restore_The_Previous_One_When_Automatic_Creates_With_An_Image_That_Does_Not_Exist()
    {
        // Given: a current remote builder, and a stand-in image name that is neither local nor on any registry
        RequireDrivers(bed);
        var previous = "prev-" + _suffix;
        Assert.Equal(0, Docker("buildx", "create", "--driver", "remote", "--name", previous, "--use", FirstEndpoint).ExitCode);
        var name = "noimage-" + _suffix;
        var settings = StandIn(name);
        settings.DriverOptions["image"] = "cake-multiarch/buildkit:missing-" + _suffix;
        settings.Automatic = true;
        settings.RequiredPlatforms.Add("linux/riscv64");
        settings.NodePlatforms.Add("linux/riscv64");
        var cake = new TestCakeContext(_dir.Path);

        // When
        var ex = Assert.Throws<CakeException>(() => cake.Context.EnsureBuilder(settings));

        // Then
        Assert.StartsWith("EnsureBuilder: docker buildx create failed with exit code 1. docker said:", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"cake-multiarch/buildkit:missing-{_suffix}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"EnsureBuilder: removed the half-made builder '{name}' and made '{previous}' the current builder again.", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"ERROR: no builder \"{name}\" found", Docker("buildx", "inspect", name).Output.Trim());
        Assert.False(ContainerExists($"buildx_buildkit_{name}0"));
        Assert.Equal(previous, Current);
    }

    [Fact]
    public void Should_Name_The_Node_In_Error_And_Remove_The_Builder_It_Created_When_The_Node_Cannot_Reach_BuildKit()
    {
        // Given: the stand-in's buildctl pointed at a dead port: buildx bootstraps it, then lists it in error
        RequireDrivers(bed);
        var name = "broken-" + _suffix;
        var cake = new TestCakeContext(_dir.Path);

        // When
        var ex = Assert.Throws<CakeException>(() => cake.Context.EnsureBuilder(StandIn(name, "127.0.0.1:1299")));

        // Then
        Assert.StartsWith(
            $"EnsureBuilder: node '{name}0' of builder '{name}' (unix:///var/run/docker.sock) is in error: listing workers: failed to list workers: Unavailable: connection error: desc = \"error reading server preface: EOF\". Check that its endpoint is reachable",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Contains($"EnsureBuilder: removed the half-made builder '{name}' and made 'default' the current builder again.", ex.Message, StringComparison.Ordinal);
        Assert.False(ContainerExists($"buildx_buildkit_{name}0"));
        Assert.Equal("default", Current);
    }

    [Fact]
    public void Should_Remove_A_Docker_Container_Builder_With_Its_Container_And_State_Volume()
    {
        // Given
        RequireDrivers(bed);
        var name = "rm-" + _suffix;
        var cake = new TestCakeContext(_dir.Path);
        cake.Context.EnsureBuilder(StandIn(name));
        Assert.True(ContainerExists($"buildx_buildkit_{name}0"));

        // When
        var removed = cake.Context.RemoveBuilder(name, Settings(new RemoveBuilderSettings()));

        // Then
        Assert.True(removed);
        Assert.False(ContainerExists($"buildx_buildkit_{name}0"));
        Assert.NotEqual(0, Docker("volume", "inspect", $"buildx_buildkit_{name}0_state").ExitCode);
        Assert.Equal($"ERROR: no builder \"{name}\" found", Docker("buildx", "inspect", name).Output.Trim());
    }

    [Fact]
    public void Should_Push_Two_Platforms_By_Digest_And_Summarise_Each_Platform_Through_A_Docker_Container_Builder()
    {
        // Given (the builder container's process is a stand-in; BuildKit's solver and exporters are real)
        RequireDrivers(bed);
        var name = "push-" + _suffix;
        var cake = bed.Cake();
        cake.Context.EnsureBuilder(StandIn(name));
        var repository = bed.Image("bydigest")[..^2];

        // When
        var result = cake.Context.BuildxBuild(bed.Context(CopyDockerfile), s => Settings(s
            .WithBuilder(name)
            .WithPlatform("linux/amd64", "linux/arm64")
            .WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { repository }, Push = true, PushByDigest = true, NameCanonical = true })));
        var pushed = cake.Context.ReadPushedImage(result);
        var report = cake.Context.VerifyManifest(result, new() { ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = true });

        // Then
        Assert.Equal((BuildxBuildResult.OciIndexMediaType, repository), (result.MediaType, result.ImageNames.Single()));
        Assert.Matches("^sha256:[0-9a-f]{64}$", result.Digest);
        Assert.Equal(result.Digest, pushed.Digest);
        Assert.True(report.Passed, string.Join("\n", report.Problems));
        Assert.True(result.Summary!.FromRawJson);
        Assert.Equal(["linux/amd64", "linux/arm64"], result.Summary.Platforms.Select(p => p.Platform.ToString()));
        Assert.All(result.Summary.Platforms, p => Assert.True(p.StepsRun + p.StepsCached >= 1, p.ToString()));
    }

    [Fact]
    public void Should_Push_By_Digest_Through_Two_Remote_Nodes_And_Name_The_Image_Their_Metadata_Leaves_Out()
    {
        // Given: a builder of two nodes; buildx 0.13.1 writes only containerimage.digest for it
        RequireDrivers(bed);
        var name = "pushnodes-" + _suffix;
        var cake = bed.Cake();
        cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = name, Driver = BuilderDriver.Remote, Endpoint = FirstEndpoint, NodePlatforms = { "linux/amd64" }, AppendNodes = { BuilderNodeSettings.Native(name + "-arm64", "linux/arm64", SecondEndpoint) } }));
        var repository = bed.Image("nodes")[..^2];
        var metadata = _dir.Combine("metadata.json");

        // When
        var result = cake.Context.BuildxBuild(bed.Context(CopyDockerfile), s => Settings(s
            .WithBuilder(name)
            .WithPlatform("linux/amd64", "linux/arm64")
            .WithMetadataFile(metadata)
            .WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { repository }, Push = true, PushByDigest = true, NameCanonical = true })));
        var pushed = cake.Context.ReadPushedImage(result);

        // Then
        Assert.Equal(["containerimage.digest"], JsonNode.Parse(File.ReadAllText(metadata))!.AsObject().Select(p => p.Key));
        Assert.Equal([repository], result.ImageNames);
        Assert.Equal((result.Digest, "linux/amd64,linux/arm64"), (pushed.Digest, string.Join(",", pushed.Platforms.Select(p => p.Platform))));
    }

    [Fact]
    public async Task Should_Write_An_Oci_Archive_Of_Both_Platforms_Through_A_Remote_Builder()
    {
        // Given
        RequireDrivers(bed);
        var name = "oci-" + _suffix;
        var cake = bed.Cake();
        cake.Context.EnsureBuilder(Settings(new EnsureBuilderSettings { Name = name, Driver = BuilderDriver.Remote, Endpoint = SecondEndpoint }));
        var archive = _dir.Combine("image.tar");

        // When
        var result = cake.Context.BuildxBuild(bed.Context(CopyDockerfile), s => Settings(s.WithBuilder(name).WithPlatform("linux/amd64", "linux/arm64").WithOutput(BuildOutput.OciArchive(archive))));

        // Then
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var stream = File.OpenRead(archive))
        await using (var tar = new TarReader(stream))
        {
            while (await tar.GetNextEntryAsync(copyData: true, TestContext.Current.CancellationToken) is { } entry)
            {
                if (entry.DataStream is { } data)
                {
                    entries[entry.Name] = await new StreamReader(data).ReadToEndAsync(TestContext.Current.CancellationToken);
                }
            }
        }

        var indexDigest = (string)JsonNode.Parse(entries["index.json"])!["manifests"]![0]!["digest"]!;
        Assert.Equal(result.Digest, indexDigest);
        var platforms = JsonNode.Parse(entries["blobs/sha256/" + indexDigest["sha256:".Length..]])!["manifests"]!.AsArray()
            .Where(m => (string?)m!["platform"]!["os"] == "linux")
            .Select(m => (string)m!["platform"]!["architecture"]!);
        Assert.Equal(["amd64", "arm64"], platforms.Order());
    }

    [Fact]
    public async Task Should_Export_A_Max_Registry_Cache_Through_A_Docker_Container_Builder_And_Import_It_In_The_Next_Build()
    {
        // Given (the builder container's process is a stand-in; BuildKit's cache exporter and importer are real)
        RequireDrivers(bed);
        var name = "cache-" + _suffix;
        var cake = bed.Cake();
        cake.Context.EnsureBuilder(StandIn(name));
        var cacheRef = bed.Image("cache", "buildcache");
        var context = bed.Context(CopyDockerfile + "COPY note /note\n", ("note", _suffix));

        // When
        var first = cake.Context.BuildxBuild(context, s => Settings(s.WithBuilder(name).WithPlatform("linux/amd64", "linux/arm64").WithCacheTo(CacheEntry.Registry(cacheRef, CacheMode.Max))));
        var exportLog = cake.Log.All;
        var second = bed.Cake();
        second.Context.BuildxBuild(context, s => Settings(s.WithBuilder(name).WithPlatform("linux/amd64", "linux/arm64").WithCacheFrom(CacheEntry.Registry(cacheRef))));

        // Then
        Assert.Contains($"exporting cache to registry", exportLog, StringComparison.OrdinalIgnoreCase);
        var cache = await bed.GetManifestAsync(bed.PathOf(cacheRef), EngineBed.IndexAccept + ", " + EngineBed.ManifestAccept);
        Assert.Equal(EngineBed.IndexAccept.Split(", ")[0], cache.ContentType);
        Assert.True(cache.Json["manifests"]!.AsArray().Count >= 2, cache.Json.ToJsonString());
        Assert.Contains($"importing cache manifest from {cacheRef}", second.Log.All, StringComparison.Ordinal);
        Assert.NotNull(first.Summary);
    }

    [Fact]
    public void Should_Hand_The_Secret_To_The_Run_Step_And_Keep_It_Out_Of_The_Log_Through_A_Docker_Container_Builder()
    {
        // Given (the builder container's process is a stand-in; BuildKit's secret mount is real)
        RequireDrivers(bed);
        var name = "secret-" + _suffix;
        var cake = bed.Cake();
        cake.Context.EnsureBuilder(StandIn(name));
        var secret = "s3cr3t-" + _suffix;
        var output = _dir.Combine("out");
        const string Dockerfile = CopyDockerfile + "COPY expected /expected\nRUN --mount=type=secret,id=token [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox cmp /run/secrets/token /expected && echo matched > /checked\"]\n";

        // When
        cake.Context.BuildxBuild(bed.Context(Dockerfile, ("expected", secret)), s => Settings(s.WithBuilder(name).WithPlatform("linux/amd64").WithSecret("token", secret).WithNoCache().WithOutput(BuildOutput.LocalFolder(output))));

        // Then: the step compared the mounted secret and wrote only its verdict
        Assert.Equal("matched\n", File.ReadAllText(Path.Combine(output, "checked")));
        Assert.DoesNotContain(secret, cake.Log.All, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        // Builders live in this test's DOCKER_CONFIG only; buildx rm removes their containers and state volumes.
        var instances = Path.Combine(Config, "buildx", "instances");
        foreach (var entry in Directory.Exists(instances) ? Directory.GetFiles(instances) : [])
        {
            Docker("buildx", "rm", "--", Path.GetFileName(entry));
        }

        foreach (var container in _containers.Where(ContainerExists))
        {
            Docker("rm", "-f", "-v", container);
        }

        _dir.Dispose();
    }
}
