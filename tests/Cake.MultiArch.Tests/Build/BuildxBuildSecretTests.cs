using Cake.Core;
using Cake.MultiArch.Build;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Build;

/// <summary>Secret values never reach argv, Cake's log (at Diagnostic verbosity) or an exception.</summary>
public sealed class BuildxBuildSecretTests
{
    [Fact]
    public void Should_Pass_A_Value_Secret_Through_The_Environment_Only()
    {
        // Given
        const string value = "s3cr3t-value-123";
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: "#4 [2/2] RUN --mount=type=secret,id=npm cat /run/secrets/npm\n#4 DONE 0.1s\n", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

        // When
        harness.Run(harness.NewSettings().WithSecret("npm", value));

        // Then
        var argv = harness.Docker.BuildCall();
        Assert.Equal(["--secret", "id=npm,env=CAKE_MULTIARCH_SECRET_NPM"], argv.SkipWhile(a => a != "--secret").Take(2));
        Assert.DoesNotContain(argv, a => a.Contains(value, StringComparison.Ordinal));
        Assert.Equal(value, harness.Docker.EnvironmentOf(harness.Docker.BuildCallNumber())["CAKE_MULTIARCH_SECRET_NPM"]);
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Redact_A_Value_Secret_That_Docker_Echoes_On_Failure()
    {
        // Given: a tool that prints the secret (as a failing RUN step's output could).
        const string value = "s3cr3t-value-123";
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: $"#4 0.120 token is {value}\nERROR: process \"/bin/sh -c cat /run/secrets/npm && exit 1\" did not complete successfully: exit code: 1\n", exitCode: 1);

        // When
        var ex = Assert.Throws<CakeException>(() => harness.Run(harness.NewSettings().WithSecret("npm", value)));

        // Then
        Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
        Assert.Contains("  #4 0.120 token is [REDACTED]", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
        Assert.Contains("#4 0.120 token is [REDACTED]", harness.Cake.Log.Lines.Select(l => l.Text));
    }

    [Fact]
    public void Should_Name_Only_The_Variable_When_The_Secret_Comes_From_The_Environment()
    {
        // Given
        const string value = "tok-987-from-env";
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: $"#4 0.1 {value}\n", exitCode: 1);
        var settings = harness.NewSettings().WithSecretFromEnvironment("npm", "NPM_TOKEN");
        settings.EnvironmentVariables["NPM_TOKEN"] = value;

        // When
        var ex = Assert.Throws<CakeException>(() => harness.Run(settings));

        // Then
        var argv = harness.Docker.BuildCall();
        Assert.Equal(["--secret", "id=npm,env=NPM_TOKEN"], argv.SkipWhile(a => a != "--secret").Take(2));
        Assert.Equal(value, harness.Docker.EnvironmentOf(harness.Docker.BuildCallNumber())["NPM_TOKEN"]);
        Assert.DoesNotContain(value, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Name_Only_The_File_When_The_Secret_Comes_From_A_File()
    {
        const string value = "file-secret-555";
        using var harness = new BuildxHarness();
        var file = harness.Dir.WriteFile("secrets/token.txt", value);
        harness.Run(harness.NewSettings().WithSecretFromFile("token", "secrets/token.txt"));
        var argv = harness.Docker.BuildCall();
        Assert.Equal(["--secret", $"id=token,src={harness.Dir.Path}/secrets/token.txt"], argv.SkipWhile(a => a != "--secret").Take(2));
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(argv, a => a.Contains(value, StringComparison.Ordinal));
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void Should_Not_Print_The_Value_From_ToString()
    {
        var secret = BuildSecret.FromValue("npm", "s3cr3t-value-123");
        Assert.Equal("id=npm,env=CAKE_MULTIARCH_SECRET_NPM", secret.ToString());
    }
}
