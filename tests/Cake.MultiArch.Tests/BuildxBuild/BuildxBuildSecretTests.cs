using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

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

    // A PEM-like value: the step echoes it line by line, each behind buildx's own prefix.
    private const string Pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nbm90LWEtcmVhbC1rZXktanVzdC10ZXN0\n-----END PRIVATE KEY-----\n";

    private static string Echoed(string value) =>
        string.Concat(value.TrimEnd('\n').Split('\n').Select(l => "#5 0.567 " + l + "\n"));

    public static TheoryData<string> Sources => new(["value", "environment", "file"]);

    [Theory]
    [MemberData(nameof(Sources))]
    public void Should_Redact_Every_Line_Of_A_Multi_Line_Secret_When_A_Failing_Step_Echoes_It(string source)
    {
        // Given
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: Echoed(Pem) + "ERROR: process \"/bin/sh -c cat /run/secrets/key && exit 1\" did not complete successfully: exit code: 1\n", exitCode: 1);
        var settings = WithSecretFrom(harness, source, Pem);

        // When
        var ex = Assert.Throws<CakeException>(() => harness.Run(settings));

        // Then: no line of the value in the exception, Cake's log (every level, including what
        // Cake's ProcessRunner logs from the handlers' return values), or the result lines.
        foreach (var line in Pem.TrimEnd('\n').Split('\n'))
        {
            Assert.DoesNotContain(line, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(line, harness.Cake.Log.All, StringComparison.Ordinal);
        }

        Assert.Contains("  #5 0.567 [REDACTED]" + System.Environment.NewLine + "  #5 0.567 [REDACTED]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, harness.Cake.Log.Lines.Count(l => l.Level == LogLevel.Information && l.Text == "#5 0.567 [REDACTED]"));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Should_Redact_A_Secret_Echoed_By_A_Successful_Build(string source)
    {
        // Given
        const string value = "one-line-secret-4711";
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stderr: Echoed(value) + "#5 DONE 0.1s\n", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

        // When
        harness.Run(WithSecretFrom(harness, source, value));

        // Then
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
        Assert.Contains("#5 0.567 [REDACTED]", harness.Cake.Log.Lines.Select(l => l.Text));
    }

    [Fact]
    public void Should_Redact_Dockers_Stdout_In_What_Cake_Logs()
    {
        // Given: stdout is captured, not logged by the alias, but Cake's ProcessRunner logs the
        // handler's return value at Verbose/Debug (RecordingLog keeps every level).
        const string value = "stdout-secret-8080";
        using var harness = new BuildxHarness();
        harness.Docker.On("buildx build", stdout: $"sha256:abc {value}\n", metadataFixture: TestPaths.Fixture("buildx/meta.json"));

        // When
        harness.Run(harness.NewSettings().WithSecret("npm", value));

        // Then
        Assert.DoesNotContain(value, harness.Cake.Log.All, StringComparison.Ordinal);
    }

    private static BuildxBuildSettings WithSecretFrom(BuildxHarness harness, string source, string value)
    {
        var settings = harness.NewSettings();
        switch (source)
        {
            case "value":
                return settings.WithSecret("key", value);
            case "environment":
                settings.EnvironmentVariables["DEPLOY_KEY"] = value;
                return settings.WithSecretFromEnvironment("key", "DEPLOY_KEY");
            default:
                harness.Dir.WriteFile("secrets/key.pem", value);
                return settings.WithSecretFromFile("key", "secrets/key.pem");
        }
    }
}
