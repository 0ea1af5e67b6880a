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
        public async Task Should_Walk_Once_When_Two_Threads_Ask_At_Once()
        {
            // Given: Cake's walk holds the first caller until the second has asked too
            var inner = Substitute.For<IToolLocator>();
            using var entered = new ManualResetEventSlim();
            using var release = new ManualResetEventSlim();
            inner.Resolve(Arg.Any<IEnumerable<string>>()).Returns(call =>
            {
                entered.Set();
                _ = release.Wait(TimeSpan.FromSeconds(10));
                return new FilePath("/usr/bin/docker");
            });
            var tools = new ToolLocatorOnce(inner);

            // When: the second asks while the first walks
            var first = Task.Run(() => tools.Resolve(["docker", "docker.exe"]), TestContext.Current.CancellationToken);
            Assert.True(entered.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            var second = Task.Run(() => tools.Resolve(["docker", "docker.exe"]), TestContext.Current.CancellationToken);
            await Task.Delay(300, TestContext.Current.CancellationToken); // it waits for the first's answer instead of walking
            release.Set();

            // Then
            Assert.Same(await first, await second);
            inner.Received(1).Resolve(Arg.Any<IEnumerable<string>>());
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
