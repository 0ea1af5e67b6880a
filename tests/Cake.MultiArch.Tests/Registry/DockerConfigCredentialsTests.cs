using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Registry;

public sealed class DockerConfigCredentialsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private DockerConfigCredentials Config(string json)
    {
        _dir.WriteFile("config.json", json);
        return new DockerConfigCredentials(_dir.Path) { HelperDirectory = _dir.Combine("helpers") };
    }

    private void Helper(string name, string script)
    {
        TestBed.WriteExecutable(_dir.Combine("helpers", "docker-credential-" + name), "#!/bin/sh\n" + script);
    }

    [Fact]
    public void Should_Read_Auths_As_Docker_Login_Writes_Them()
    {
        var config = Config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViLXVzZXI6aHViLXBhc3M=\"},\"127.0.0.1:5000\":{\"auth\":\"bG9jYWw6cHc6d2l0aDpjb2xvbnM=\"}}}");
        var hub = config.Find("docker.io")!;
        Assert.Equal(("hub-user", "hub-pass"), (hub.Username, hub.Password));
        var local = config.Find("127.0.0.1:5000")!;
        Assert.Equal(("local", "pw:with:colons"), (local.Username, local.Password));
        Assert.Null(config.Find("ghcr.io"));
    }

    [Fact]
    public void Should_Ask_The_Registrys_Credential_Helper_First()
    {
        // docker-credential-* protocol: the server URL on stdin, JSON on stdout.
        Helper("ecr", "read url; echo \"{\\\"ServerURL\\\":\\\"$url\\\",\\\"Username\\\":\\\"AWS\\\",\\\"Secret\\\":\\\"ecr-token-for-$url\\\"}\"\n");
        var config = Config("{\"credHelpers\":{\"123.dkr.ecr.eu-west-1.amazonaws.com\":\"ecr\"},\"auths\":{\"123.dkr.ecr.eu-west-1.amazonaws.com\":{\"auth\":\"eDp5\"}}}");
        var credential = config.Find("123.dkr.ecr.eu-west-1.amazonaws.com")!;
        Assert.Equal("AWS", credential.Username);
        Assert.Equal("ecr-token-for-123.dkr.ecr.eu-west-1.amazonaws.com", credential.Password);
    }

    [Fact]
    public void Should_Use_The_Store_And_Treat_Not_Found_As_Anonymous()
    {
        Helper("pass", "read url; if [ \"$url\" = ghcr.io ]; then echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-xyz\"}'; else echo 'credentials not found in native keychain'; exit 1; fi\n");
        var config = Config("{\"credsStore\":\"pass\"}");
        var token = config.Find("ghcr.io")!;
        Assert.Equal("refresh-xyz", token.IdentityToken);
        Assert.Null(config.Find("quay.io"));
    }

    [Fact]
    public void Should_Say_Which_Helper_Is_Missing()
    {
        var config = Config("{\"credsStore\":\"desktop\"}");
        var ex = Assert.Throws<CakeException>(() => config.Find("ghcr.io"));
        Assert.StartsWith("VerifyManifest: the docker config names the credential helper 'desktop', but 'docker-credential-desktop' could not be started (", ex.Message);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "index.docker.io")]
    [InlineData("docker.io", "index.docker.io")]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("ghcr.io", "ghcr.io")]
    public void Should_Normalise_Config_Keys(string key, string expected)
    {
        Assert.Equal(expected, DockerConfigCredentials.Normalise(key));
    }

    public void Dispose() => _dir.Dispose();
}
