using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Build;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Build;

public sealed class BuildxBuildValidationTests
{
    private static string Fail(Action<BuildxBuildSettings, BuildxHarness> configure)
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings();
        configure(settings, harness);
        var ex = Assert.Throws<CakeException>(() => harness.Run(settings));
        Assert.Empty(harness.Docker.Calls); // nothing started
        return ex.Message;
    }

    [Fact]
    public void Should_Refuse_Push_When_No_Tag_And_No_Output_Name()
    {
        var message = Fail((s, _) => s.WithPush());
        Assert.Equal("BuildxBuild: Push is set but there is nothing to push to: Tags is empty and no image output has a name. Add a tag (WithTag(\"registry.example.com/app:1.0\")) or an image output with a name.", message);
    }

    [Fact]
    public void Should_Refuse_A_Pushing_Output_Without_A_Name()
    {
        var message = Fail((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.Image) { Push = true }));
        Assert.Equal("BuildxBuild: Outputs has 'type=image,push=true', which pushes but names no image, and Tags is empty; add a name to the output or a tag.", message);
    }

    [Fact]
    public void Should_Allow_Push_With_Only_An_Output_Name()
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings().WithPush().WithOutput(BuildOutput.PushedImage("127.0.0.1:5001/tb/hello:1"));
        harness.Run(settings);
        Assert.Single(harness.Docker.Calls, BuildCalls.IsBuild);
    }

    [Fact]
    public void Should_Refuse_A_File_Output_Without_Destination()
    {
        var message = Fail((s, _) => s.WithOutput(new BuildOutput(BuildOutputType.Oci)));
        Assert.Equal("BuildxBuild: Outputs has 'type=oci' with no Destination; a oci output writes to a file or folder (dest=).", message);
    }

    [Theory]
    [InlineData("Registry.example.com/Team/App:1", "BuildxBuild: Tags has an invalid image reference: Image reference 'Registry.example.com/Team/App:1' has upper-case letters in its repository 'Team/App'; repository names must be lower-case.")]
    [InlineData("app:-1", "BuildxBuild: Tags has an invalid image reference: Image reference 'app:-1' has an invalid tag '-1'; a tag is 1 to 128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'.")]
    [InlineData("app@sha256:123", "BuildxBuild: Tags has an invalid image reference: Image reference 'app@sha256:123' has an invalid digest 'sha256:123'; expected 'sha256:' followed by 64 lower-case hex digits.")]
    public void Should_Refuse_Invalid_Tags(string tag, string expected)
    {
        Assert.Equal(expected, Fail((s, _) => s.WithTag(tag)));
    }

    [Fact]
    public void Should_Refuse_A_Missing_Context()
    {
        var message = Fail((s, h) => s.Context = "nope");
        Assert.StartsWith("BuildxBuild: Context 'nope' does not exist (looked at '", message);
        Assert.EndsWith("/nope'); expected a folder, a Git or HTTP URL, or '-'.", message);
    }

    [Fact]
    public void Should_Refuse_A_Context_Without_Dockerfile_When_File_Is_Not_Set()
    {
        var message = Fail((s, h) => { Directory.CreateDirectory(h.Dir.Combine("empty")); s.Context = "empty"; });
        Assert.Matches("^BuildxBuild: File is not set and the context '/.*/empty' has no Dockerfile; set File to the Dockerfile to build.$", message);
    }

    [Fact]
    public void Should_Refuse_A_Missing_Dockerfile()
    {
        var message = Fail((s, _) => s.WithFile("app/Dockerfile.prod"));
        Assert.Matches(@"^BuildxBuild: File 'app/Dockerfile.prod' does not exist \(looked at '/.*/app/Dockerfile.prod'\)\.$", message);
    }

    [Fact]
    public void Should_Not_Check_A_Url_Context()
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings();
        settings.Context = "https://github.com/docker/buildx.git#v0.10.5";
        harness.Run(settings);
        Assert.Equal("https://github.com/docker/buildx.git#v0.10.5", harness.Docker.BuildCall()[^1]);
    }

    [Fact]
    public void Should_Refuse_Duplicate_Platforms_After_Normalisation()
    {
        var message = Fail((s, _) => s.WithPlatform("linux/arm64", "linux/amd64", "linux/aarch64"));
        Assert.Equal("BuildxBuild: Platforms lists 'linux/arm64' more than once (after normalisation: linux/arm64/v8 is linux/arm64); expected each platform once, found 'linux/arm64,linux/amd64,linux/arm64'.", message);
    }

    [Fact]
    public void Should_Refuse_An_Unknown_Platform_When_Added_Fluently()
    {
        using var harness = new BuildxHarness();
        var ex = Assert.Throws<ArgumentException>(() => harness.NewSettings().WithPlatform("linux/arm65"));
        Assert.StartsWith("Platform 'linux/arm65' has an unknown architecture 'arm65'. Accepted: 'linux/386'", ex.Message);
    }

    [Fact]
    public void Should_Refuse_An_Empty_Secret_Id()
    {
        var message = Fail((s, _) => s.WithSecretFromEnvironment(" ", "HOME"));
        Assert.Equal("BuildxBuild: Secrets has a secret with an empty id ('id= ,env=HOME'); every secret needs the id that RUN --mount=type=secret,id=… names.", message);
    }

    [Fact]
    public void Should_Refuse_A_Secret_From_An_Unset_Variable()
    {
        var message = Fail((s, _) => s.WithSecretFromEnvironment("npm", "CAKE_MULTIARCH_TEST_UNSET_VARIABLE"));
        Assert.Equal("BuildxBuild: Secrets has secret 'npm' read from environment variable 'CAKE_MULTIARCH_TEST_UNSET_VARIABLE', which is not set; set it, or use BuildSecret.FromFile or BuildSecret.FromValue.", message);
    }

    [Fact]
    public void Should_Refuse_A_Secret_From_A_Missing_File()
    {
        var message = Fail((s, _) => s.WithSecretFromFile("token", "missing/token.txt"));
        Assert.Equal("BuildxBuild: Secrets has secret 'token' read from file 'missing/token.txt', which does not exist.", message);
    }

    [Fact]
    public void Should_Refuse_Duplicate_Secret_Ids()
    {
        var message = Fail((s, _) => s.WithSecret("npm", "a").WithSecret("npm", "b"));
        Assert.Equal("BuildxBuild: Secrets has the id 'npm' more than once; each secret id must be unique.", message);
    }

    [Fact]
    public void Should_Refuse_A_Bad_Shm_Size_And_Call_And_Keys()
    {
        var message = Fail((s, _) =>
        {
            s.ShmSize = "2 gigs";
            s.Call = "lint";
            s.BuildArgs["A=B"] = "c";
        });
        Assert.Equal(
            string.Join(
                System.Environment.NewLine,
                "BuildxBuild: ShmSize '2 gigs' is not a size; expected a number with an optional unit b, k, m or g, such as '2g'.",
                "BuildxBuild: Call 'lint' is not a frontend method; expected 'build', 'check', 'outline' or 'targets'.",
                "BuildxBuild: BuildArgs has an invalid key 'A=B'; keys must be non-empty and contain no '='."),
            message);
    }

    [Fact]
    public void Should_Report_Every_Problem_At_Once()
    {
        var message = Fail((s, _) => s.WithPlatform("linux/amd64", "linux/amd64").WithTag("app:-x"));
        Assert.Equal(2, message.Split(System.Environment.NewLine).Length);
    }
}
