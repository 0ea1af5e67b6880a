using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;
using NSubstitute;

namespace Cake.MultiArch.Tests.Docker;

/// <summary>One alias call resolves docker through Cake's tool locator once (ToolLocatorOnce): Cake globs ./tools/** on every resolution.</summary>
public sealed class ToolLocatorOnceTests
{
    public sealed class TheResolveMethod
    {
        [Fact]
        public void Should_Ask_Cake_Once_Per_Name_List_And_Keep_A_Missing_Tool_Missing()
        {
            // Given
            var inner = Substitute.For<IToolLocator>();
            inner.Resolve(Arg.Any<IEnumerable<string>>()).Returns(new FilePath("/usr/bin/docker"));
            inner.Resolve("cosign").Returns((FilePath)null!);
            var tools = new ToolLocatorOnce(inner);

            // When
            var first = tools.Resolve(["docker", "docker.exe"]);
            var second = tools.Resolve(["docker", "docker.exe"]);
            var cosign = tools.Resolve("cosign");
            _ = tools.Resolve("cosign");

            // Then
            Assert.Equal("/usr/bin/docker", first.FullPath);
            Assert.Same(first, second);
            Assert.Null(cosign);
            inner.Received(1).Resolve(Arg.Any<IEnumerable<string>>());
            inner.Received(1).Resolve("cosign");
        }

        [Fact]
        public void Should_Ask_Again_After_A_Tool_Is_Registered()
        {
            // Given
            var inner = Substitute.For<IToolLocator>();
            inner.Resolve(Arg.Any<IEnumerable<string>>()).Returns((FilePath)null!, new FilePath("/opt/tools/docker"));
            var tools = new ToolLocatorOnce(inner);
            _ = tools.Resolve(["docker"]);

            // When
            tools.RegisterFile(new FilePath("/opt/tools/docker"));
            var after = tools.Resolve(["docker"]);

            // Then
            inner.Received(1).RegisterFile(Arg.Is<FilePath>(p => p.FullPath == "/opt/tools/docker"));
            Assert.Equal("/opt/tools/docker", after.FullPath);
        }
    }

    public sealed class ThroughBuildxBuild
    {
        [Fact]
        public void Should_Resolve_Docker_Once_For_A_Build_With_No_ToolPath()
        {
            // Given: docker found through Cake's tool locator, not ToolPath
            using var harness = new BuildxHarness();
            harness.Docker.On("buildx build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
            var tools = Substitute.For<IToolLocator>();
            tools.Resolve(Arg.Any<IEnumerable<string>>()).Returns(new FilePath(harness.Docker.Path));
            var settings = harness.NewSettings().WithPlatform("linux/amd64", "linux/arm64").WithTag("registry.example/app:1").WithPush().WithoutPreflight();
            settings.ToolPath = null;

            // When
            _ = new BuildxBuildRunner(harness.Cake.FileSystem, harness.Cake.Environment, harness.Cake.ProcessRunner, tools, harness.Cake.Log.Log).Run(settings);

            // Then: the identity, the not-found check and Cake's Tool.Run all had the one answer
            Assert.Single(harness.Docker.Calls);
            tools.Received(1).Resolve(Arg.Any<IEnumerable<string>>());
        }
    }
}
