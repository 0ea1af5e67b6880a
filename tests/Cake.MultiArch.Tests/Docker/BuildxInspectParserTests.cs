using Cake.Core;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docker;

public sealed class BuildxInspectParserTests
{
    private const string AllPlatforms = "linux/amd64,linux/amd64/v2,linux/amd64/v3,linux/amd64/v4,linux/arm64,linux/riscv64,linux/ppc64le,linux/s390x,linux/386,linux/arm/v7,linux/arm/v6";

    [Theory]
    [InlineData("buildx/buildx-inspect.txt", "testbed", "remote", "testbed0", "unix:///run/buildkit/buildkitd.sock")]
    [InlineData("buildx/buildx-inspect-bootstrap.txt", "testbed", "remote", "testbed0", "unix:///run/buildkit/buildkitd.sock")]
    [InlineData("buildx/buildx-inspect-remote-tcp.txt", "testbed-tcp", "remote", "testbed-tcp0", "tcp://127.0.0.1:1234")]
    [InlineData("buildx/buildx-inspect-docker-container.txt", "tbcontainer", "docker-container", "tbcontainer0", "unix:///var/run/docker.sock")]
    public void Should_Parse_A_Running_Single_Node_Builder(string fixture, string name, string driver, string node, string endpoint)
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture(fixture));
        Assert.Equal(name, builder.Name);
        Assert.Equal(driver, builder.Driver);
        var only = Assert.Single(builder.Nodes);
        Assert.Equal(node, only.Name);
        Assert.Equal(endpoint, only.Endpoint);
        Assert.Equal("running", only.Status);
        Assert.Null(only.Error);
        Assert.Equal("v0.11.6", only.BuildkitVersion);
        Assert.Equal(AllPlatforms, Cake.MultiArch.Platforms.PlatformList.Format(only.Platforms));
        Assert.Empty(only.UnknownPlatforms);
    }

    [Fact]
    public void Should_Read_Driver_Options()
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt"));
        Assert.Equal(new Dictionary<string, string> { ["image"] = "moby/buildkit:buildx-stable-1", ["network"] = "host" }, builder.Nodes[0].DriverOptions);
        Assert.Equal("2026-11-28 04:58:37 +0000 UTC", builder.LastActivity);
    }

    [Fact]
    public void Should_Parse_The_Docs_Reference_With_Flags_Stars_Labels_And_Gc_Rules()
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture("buildx/buildx-inspect-docs-reference.txt"));
        var node = Assert.Single(builder.Nodes);
        Assert.Equal("elated_tesla0", node.Name);
        Assert.Equal("--debug --allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host", node.DaemonFlags);
        Assert.Equal("v0.10.6", node.BuildkitVersion);
        Assert.Equal("linux/arm64,linux/arm/v7,linux/arm/v6", Cake.MultiArch.Platforms.PlatformList.Format(node.Platforms));
        Assert.Equal("10485760", node.DriverOptions["env.BUILDKIT_STEP_LOG_MAX_SPEED"]);
        Assert.Equal("moby/buildkit:latest", node.DriverOptions["image"]);
        Assert.Equal(5, node.DriverOptions.Count);
    }

    [Fact]
    public void Should_Parse_The_Labels_Of_Buildx_0_13_And_Later()
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture("buildx/buildx-inspect-v0.26-format.txt"));
        var node = Assert.Single(builder.Nodes);
        Assert.Equal("--allow-insecure-entitlement=network.host", node.DaemonFlags);
        Assert.Equal("v0.26.2", node.BuildkitVersion);
        Assert.Equal("moby/buildkit:buildx-stable-1-gpu", node.DriverOptions["image"]);
        Assert.Equal(10, node.Platforms.Count);
    }

    [Fact]
    public void Should_Parse_Two_Nodes()
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt"));
        Assert.Equal(["multi0", "multi1"], builder.Nodes.Select(n => n.Name));
        Assert.Equal(["unix:///run/buildkit/buildkitd.sock", "tcp://127.0.0.1:1234"], builder.Nodes.Select(n => n.Endpoint));
        Assert.Equal(11, builder.Platforms.Count);
    }

    [Fact]
    public void Should_Keep_A_Nodes_Error()
    {
        var builder = BuildxInspectParser.Parse(TestPaths.ReadFixture("buildx/buildx-inspect-node-error.txt"));
        var node = Assert.Single(builder.Nodes);
        Assert.Null(node.Status);
        Assert.Equal("Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.54/containers/buildx_buildkit_sys0-builder0/json\": context deadline exceeded", node.Error);
        Assert.Empty(node.Platforms);
    }

    [Fact]
    public void Should_Read_A_Stopped_Node_With_No_Platforms()
    {
        var text = TestPaths.ReadFixture("buildx/error-docker-container-privileged-caps.txt");
        var inspect = text[text.IndexOf("Name:", StringComparison.Ordinal)..text.IndexOf("$ docker run", StringComparison.Ordinal)];
        var node = Assert.Single(BuildxInspectParser.Parse(inspect).Nodes);
        Assert.Equal("stopped", node.Status);
        Assert.Empty(node.Platforms);
    }

    [Fact]
    public void Should_Fail_Clearly_On_Other_Text()
    {
        var ex = Assert.Throws<CakeException>(() => BuildxInspectParser.Parse("ERROR: no builder \"doesnotexist\" found"));
        Assert.Equal("EnsureBuilder: could not read 'docker buildx inspect' output; expected 'Name:' and 'Driver:' lines, found: 'ERROR: no builder \"doesnotexist\" found'", ex.Message);
    }

    [Theory]
    [InlineData("github.com/docker/buildx v0.10.5 86bdced7766639d56baa4c7c449a4f6468490f87", "0.10.5", "v0.10.5", false)]
    [InlineData("github.com/docker/buildx v0.26.1-desktop.1 8a3f5d8e", "0.26.1", "v0.26.1-desktop.1", true)]
    public void Should_Parse_The_Buildx_Version(string text, string version, string printed, bool newConfigFlag)
    {
        var parsed = BuildxVersionResult.Parse(text);
        Assert.Equal(Version.Parse(version), parsed.Version);
        Assert.Equal(printed, parsed.Text);
        Assert.Equal(newConfigFlag, parsed.HasBuildkitdConfigFlag);
    }

    [Fact]
    public void Should_Parse_The_Real_Version_Fixture()
    {
        var parsed = BuildxVersionResult.Parse(TestPaths.ReadFixture("buildx/buildx-version.txt"));
        Assert.Equal("86bdced7766639d56baa4c7c449a4f6468490f87", parsed.Commit);
    }
}
