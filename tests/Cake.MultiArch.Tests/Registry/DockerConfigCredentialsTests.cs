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

    [Fact]
    public void Should_Never_Copy_A_Failing_Helpers_Output_Into_The_Message()
    {
        // Given: a helper that prints the secret on stdout and a reason on stderr, then fails
        Helper("leaky", "read url; echo '{\"Username\":\"ci\",\"Secret\":\"hunter2-secret\"}'; echo 'keychain locked' >&2; exit 3\n");
        var config = Config("{\"credsStore\":\"leaky\"}");

        // When
        var ex = Assert.Throws<CakeException>(() => config.Find("ghcr.io"));

        // Then
        Assert.Equal("VerifyManifest: credential helper 'docker-credential-leaky' failed for 'ghcr.io' with exit code 3 (its standard error: keychain locked); its standard output is not shown, as it can hold a secret. Run 'docker-credential-leaky get' by hand to see why, or docker login again.", ex.Message);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Show_A_Helpers_Answer_That_Is_Not_Json()
    {
        // Given
        Helper("garbled", "read url; echo 'Secret=hunter2-secret'\n");
        var config = Config("{\"credsStore\":\"garbled\"}");

        // When
        var ex = Assert.Throws<CakeException>(() => config.Find("ghcr.io"));

        // Then
        Assert.Equal("VerifyManifest: credential helper 'docker-credential-garbled' answered for 'ghcr.io' with output that is not a JSON object (not shown: it can hold a secret); expected {\"Username\":…,\"Secret\":…}. Update or reinstall the helper.", ex.Message);
        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"auths\":{\"ghcr.io\":{\"auth\":\"not base64!\"}}}", "VerifyManifest: the docker config '{0}' has an 'auth' value for 'ghcr.io' that is not base64 of UTF-8 text (11 characters, not shown); expected base64 of 'user:password', as docker login writes. Run 'docker login ghcr.io' again.")]
    [InlineData("{\"auths\":{\"ghcr.io\":{\"auth\":\"bm9jb2xvbg==\"}}}", "VerifyManifest: the docker config '{0}' has an 'auth' value for 'ghcr.io' that decodes to no 'user:password' pair (no colon after a user name); expected base64 of 'user:password', as docker login writes. Run 'docker login ghcr.io' again.")]
    [InlineData("{\"auths\":{\"ghcr.io\":{\"auth\":\"OnB3\"}}}", "VerifyManifest: the docker config '{0}' has an 'auth' value for 'ghcr.io' that decodes to no 'user:password' pair (no colon after a user name); expected base64 of 'user:password', as docker login writes. Run 'docker login ghcr.io' again.")]
    [InlineData("{\"auths\":{\"ghcr.io\":{\"auth\":42}}}", "VerifyManifest: the docker config '{0}' has 'auths.ghcr.io.auth' as a JSON number; expected a string. Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("{\"auths\":{\"ghcr.io\":\"dXNlcjpwdw==\"}}", "VerifyManifest: the docker config '{0}' has 'auths.ghcr.io' as a JSON string; expected an object with 'auth'. Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("{\"auths\":[]}", "VerifyManifest: the docker config '{0}' has 'auths' as a JSON array; expected an object. Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("{\"credsStore\":true}", "VerifyManifest: the docker config '{0}' has 'credsStore' as a JSON true; expected a string. Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("{\"credHelpers\":{\"ghcr.io\":1}}", "VerifyManifest: the docker config '{0}' has 'credHelpers.ghcr.io' as a JSON number; expected a helper name (a string). Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("[]", "VerifyManifest: the docker config '{0}' has the whole file as a JSON array; expected an object. Fix the file (docker login rewrites it), or set UseDockerConfig = false.")]
    [InlineData("{\"auths\":{\"ghcr.io\":{\"auth\":\"s3cr", "VerifyManifest: the docker config '{0}' is not valid JSON (line 1, byte 34); expected the object docker login writes. Fix or delete the file, or set UseDockerConfig = false.")]
    public void Should_Refuse_A_Malformed_Config_Naming_The_Key_But_No_Secret(string json, string expected)
    {
        // Given
        var config = Config(json);

        // When
        var ex = Assert.Throws<CakeException>(() => config.Find("ghcr.io"));

        // Then
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, _dir.Combine("config.json")), ex.Message);
        Assert.DoesNotContain("s3cr", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
