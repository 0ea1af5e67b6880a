using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

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
        var ex = Assert.Throws<CakeException>(() => harness.NewSettings().WithPlatform("linux/arm65"));
        Assert.StartsWith("BuildxBuild: WithPlatform got an invalid value for Platforms: Platform 'linux/arm65' has an unknown architecture 'arm65'. Accepted: 'linux/386'", ex.Message);
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

    [Fact]
    public void Should_Refuse_A_Windows_Platform_With_The_Reason()
    {
        var message = Fail((s, _) => s.WithPlatform("linux/amd64", "windows/amd64"));
        Assert.Equal("BuildxBuild: Platforms has 'windows/amd64', which is not a Linux platform; expected linux/… platforms, found 'linux/amd64,windows/amd64'. This addin builds Linux images, and buildx builds Windows images only on a Windows daemon: here every RUN step would still make Linux binaries, labelled windows/amd64. Remove 'windows/amd64' from Platforms, or build Windows images with docker on a Windows machine.", message);
    }

    [Fact]
    public void Should_Name_The_Position_Of_A_Default_Platform()
    {
        var message = Fail((s, _) => { s.WithPlatform("linux/amd64"); s.Platforms.Add(default); });
        Assert.Equal($"BuildxBuild: Platforms holds an empty value (default(Platform)) at position 2; expected platforms made by Platform.Parse or WithPlatform(\"linux/arm64\"), one of {Cake.MultiArch.Platforms.Platform.AcceptedValues}. Replace it with a parsed platform.", message);
    }

    [Theory]
    [InlineData(null, "found [null]")]
    [InlineData("", "found ['']")]
    [InlineData(" , , ", "found [' , , ']")]
    public void Should_Refuse_An_Empty_Platform_List_When_Added_Fluently(string? platforms, string found)
    {
        var settings = new BuildxBuildSettings();
        var ex = Assert.Throws<CakeException>(() => settings.WithPlatform(platforms!));
        Assert.Equal($"BuildxBuild: WithPlatform got no platform for Platforms; expected one or more platforms such as 'linux/amd64' or a comma list 'linux/amd64,linux/arm64', {found}. Pass the platforms to build, or leave Platforms empty (do not call WithPlatform) to build for the builder's own platform.", ex.Message);
        Assert.Empty(settings.Platforms);
    }

    [Fact]
    public void Should_Refuse_A_Default_Platform_When_Added_Fluently()
    {
        var ex = Assert.Throws<CakeException>(() => new BuildxBuildSettings().WithPlatform(Cake.MultiArch.Platforms.Platform.Parse("linux/amd64"), default));
        Assert.Equal("BuildxBuild: WithPlatform got no platform or an empty one for Platforms; expected platforms made by Platform.Parse, such as Platform.Parse(\"linux/arm64\"), found ['linux/amd64', default(Platform)]. Pass parsed platforms, or leave Platforms empty to build for the builder's own platform.", ex.Message);
    }

    [Fact]
    public void Should_Say_The_Context_Is_A_File()
    {
        var message = Fail((s, h) => s.Context = "app/Dockerfile");
        Assert.Matches(@"^BuildxBuild: Context 'app/Dockerfile' is a file \(looked at '/.*/app/Dockerfile'\); expected a folder, a Git or HTTP URL, or '-'\. Set Context to the folder that holds the files to build \(and File to the Dockerfile, if this is it\)\.$", message);
    }

    [Fact]
    public void Should_Say_The_Dockerfile_Is_A_Folder()
    {
        var message = Fail((s, _) => s.WithFile("app/"));
        Assert.Matches(@"^BuildxBuild: File 'app' is a folder \(looked at '/.*/app'\); expected the Dockerfile itself\. Set File to the Dockerfile in it, such as 'app/Dockerfile'\.$", message);
    }

    [Fact]
    public void Should_Refuse_A_Metadata_File_In_A_Missing_Folder_Before_Building()
    {
        var message = Fail((s, _) => s.WithMetadataFile("out/meta.json"));
        Assert.Matches(@"^BuildxBuild: MetadataFile 'out/meta.json' is in a folder that does not exist \('/.*/out'\); expected an existing folder, because buildx writes this file only after the build \(and any push\) has finished and would fail then\. Create the folder first \(EnsureDirectoryExists\) or choose a path in an existing folder\.$", message);
    }

    [Fact]
    public void Should_Refuse_Push_With_An_Output_That_Says_Push_False()
    {
        var message = Fail((s, _) => s.WithTag("127.0.0.1:5001/tb/hello:1").WithPush().WithOutput(new BuildOutput(BuildOutputType.Image) { Push = false }));
        Assert.Equal("BuildxBuild: Push is set together with output 'type=image,push=false', which says push=false; expected one of them, found both (buildx's --push makes the image output push anyway). Remove Push to keep the image unpushed, or remove push=false from the output.", message);
    }

    [Fact]
    public void Should_Refuse_Secret_Ids_That_Share_A_Variable()
    {
        var message = Fail((s, _) => s.WithSecret("a-b", "first-secret-value").WithSecret("a_b", "second-secret-value"));
        Assert.Equal("BuildxBuild: Secrets has ids 'a-b' and 'a_b', which would all pass their value through the environment variable 'CAKE_MULTIARCH_SECRET_A_B' (WithSecret upper-cases an id and makes every character other than a letter or digit '_'); expected ids that map to different variables, found one variable for 2. Rename one of the ids (and the RUN --mount=type=secret,id=… that uses it).", message);
        Assert.DoesNotContain("secret-value", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Refuse_A_Null_Secret_Value_Without_Blaming_A_Variable()
    {
        var message = Fail((s, _) => s.WithSecret("npm", null!));
        Assert.Equal("BuildxBuild: Secrets has secret 'npm' made by WithSecret (BuildSecret.FromValue) with a null value; expected the secret's text, found null. Read the value before the build (a null often means an unset variable or a missing vault entry), or use WithSecretFromEnvironment or WithSecretFromFile to let buildx read it.", message);
    }

    [Fact]
    public void Should_Not_Mutate_The_Settings_When_Validation_Fails()
    {
        using var harness = new BuildxHarness();
        var settings = harness.NewSettings().WithPlatform("windows/amd64").WithSecret("npm", "v");
        Assert.Throws<CakeException>(() => harness.Run(settings));
        Assert.Equal("windows/amd64", Cake.MultiArch.Platforms.PlatformList.Format(settings.Platforms));
        Assert.Single(settings.Secrets);
        Assert.Null(settings.MetadataFile);
    }
}
