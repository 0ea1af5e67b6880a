using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.BuildxBuild.Progress;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

/// <summary>Multi-platform <c>--load</c>: refused before the build only where it cannot work, read from real <c>buildx inspect</c>/<c>docker info</c> text.</summary>
public sealed class LoadPolicyTests
{
    private const string InfoPrefix = "info --format {{json .DriverStatus}}";

    /// <summary>Reads a <c>docker info --format {{json .DriverStatus}}</c> capture (Fixtures/Data).</summary>
    private static string DriverStatus(string fixture) => TestPaths.ReadOutput(fixture);

    private static BuildxHarness Harness(string inspectFixture, string? driverStatusFixture)
    {
        var harness = new BuildxHarness();
        harness.Docker.On("buildx inspect", stdout: File.ReadAllText(ProgressFixtures.Path(inspectFixture)));
        if (driverStatusFixture is not null)
        {
            harness.Docker.On(InfoPrefix, stdout: DriverStatus(driverStatusFixture));
        }

        return harness;
    }

    private static string Calls(BuildxHarness harness) => string.Join(" | ", harness.Docker.Calls.Select(c => string.Join(' ', c.Take(4))));

    /// <summary>The probes in name order, then the build when one ran (BuildxBuild asks buildx no version: ProgressChoice).</summary>
    private static string ProbesThenBuild(BuildxHarness harness)
    {
        var calls = harness.Docker.Calls.Select(c => string.Join(' ', c.Take(4))).ToList();
        var builds = calls.Where(c => c.StartsWith("buildx build", StringComparison.Ordinal)).ToArray();
        Assert.True(builds.Length == 0 || calls[^1] == builds[^1], "the build runs after every probe: " + string.Join(" | ", calls));
        return string.Join(" | ", calls.Except(builds).Order(StringComparer.Ordinal).Concat(builds));
    }

    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Refuse_Load_Before_The_Build_When_The_Engine_Has_The_Classic_Store()
        {
            // Given
            using var harness = Harness("buildx-inspect-default-docker.txt", "docker-info-driverstatus-classic-docs.txt");

            // When
            var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithLoad()));

            // Then
            Assert.Equal(
                "BuildxBuild: Load is set with 2 platforms (linux/amd64,linux/arm64), but the engine behind builder 'default' keeps images in the classic image store, which holds one platform per tag; expected the containerd image store (docker info DriverStatus 'driver-type: io.containerd.snapshotter.v1'), found DriverStatus [[\"Backing Filesystem\",\"extfs\"],[\"Supports d_type\",\"true\"],[\"Using metacopy\",\"false\"],[\"Native Overlay Diff\",\"true\"],[\"userxattr\",\"false\"]]. "
                + "Enable the containerd image store (\"features\": {\"containerd-snapshotter\": true} in /etc/docker/daemon.json and restart dockerd; Docker Desktop: 'Use containerd for pulling and storing images'), or push instead (Push = true), write an OCI archive (BuildOutput.OciArchive), or load one platform per build.",
                ex.Message);
            Assert.Equal("buildx inspect | info --format {{json .DriverStatus}}", ProbesThenBuild(harness));
        }

        [Fact]
        public void Should_Refuse_Load_Before_The_Build_When_The_Builder_Uses_The_Docker_Container_Driver()
        {
            // Given
            using var harness = Harness("buildx-inspect-docker-container-inactive.txt", driverStatusFixture: null);
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithLoad();
            settings.Builder = "bp-cap-dc-6715";

            // When
            var ex = Assert.Throws<CakeException>(() => harness.Run(settings));

            // Then
            Assert.Equal(
                "BuildxBuild: Load is set with 2 platforms (linux/amd64,linux/arm64), but builder 'bp-cap-dc-6715' uses the 'docker-container' driver, which loads one platform only; expected the 'docker' driver (the engine's own builder, such as 'default') on an engine with the containerd image store, found 'docker-container'. "
                + "Build with a docker-driver builder (Builder = \"default\"), push instead (Push = true), write an OCI archive (BuildOutput.OciArchive), or load one platform per build.",
                ex.Message);
            Assert.Equal("buildx inspect bp-cap-dc-6715", ProbesThenBuild(harness));
        }

        [Fact]
        public void Should_Refuse_A_Docker_Output_Before_The_Build_When_The_Engine_Has_The_Classic_Store()
        {
            // Given
            using var harness = Harness("buildx-inspect-default-docker.txt", "docker-info-driverstatus-classic-docs.txt");

            // When
            var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithOutput(new BuildOutput(BuildOutputType.Docker))));

            // Then
            Assert.StartsWith("BuildxBuild: Outputs has a docker-type output with 2 platforms (linux/amd64,linux/arm64), but the engine behind builder 'default' keeps images in the classic image store", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(harness.Docker.Calls, BuildCalls.IsBuild);
        }

        [Fact]
        public void Should_Build_With_Load_When_The_Docker_Driver_Has_The_Containerd_Store()
        {
            // Given
            using var harness = Harness("buildx-inspect-default-docker.txt", "docker-info-driverstatus-containerd.txt");

            // When
            harness.Run(harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithLoad());

            // Then
            Assert.Equal("buildx inspect | info --format {{json .DriverStatus}} | buildx build --load --metadata-file", ProbesThenBuild(harness));
        }

        [Fact]
        public void Should_Not_Ask_Docker_When_Only_One_Platform_Is_Loaded()
        {
            // Given
            using var harness = Harness("buildx-inspect-docker-container-inactive.txt", driverStatusFixture: null);

            // When
            harness.Run(harness.NewSettings().WithPlatform("linux/arm64").WithLoad());

            // Then
            Assert.Equal("buildx build --load --metadata-file", Calls(harness));
        }
    }

    public sealed class TheUsesContainerdStoreMethod
    {
        [Theory]
        [InlineData("docker-info-driverstatus-containerd.txt", true)]
        [InlineData("docker-info-driverstatus-classic-docs.txt", false)]
        public void Should_Read_The_Store_When_Given_Docker_Info_DriverStatus(string fixture, bool expected)
        {
            // Given
            var text = DriverStatus(fixture);

            // When / Then
            Assert.Equal(expected, LoadPolicy.UsesContainerdStore(text));
        }

        [Theory]
        [InlineData("null", false)]
        [InlineData("not json", null)]
        [InlineData("{}", null)]
        public void Should_Say_What_It_Can_When_The_Text_Is_Not_A_List_Of_Pairs(string text, bool? expected)
        {
            // When / Then
            Assert.Equal(expected, LoadPolicy.UsesContainerdStore(text));
        }
    }
}
