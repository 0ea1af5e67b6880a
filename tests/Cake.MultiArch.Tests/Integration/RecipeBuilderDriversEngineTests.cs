using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// recipe.cake run by the real <c>dotnet cake</c> with <c>--builder</c> set to a docker-container
/// builder and <c>--digest-push=buildx</c> (issue 20): buildx pushes by digest, not the addin. The
/// builder container's process is a stand-in (cake-multiarch/buildkit:engine: its buildctl dials
/// the engine's BuildKit through the test bed's proxy); buildx's docker-container driver and
/// BuildKit's solver and exporters are real.
/// </summary>
[Collection("registry")]
public sealed class RecipeBuilderDriversEngineTests(RegistryBed bed) : IDisposable
{
    private static readonly string Addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
    private readonly TempDirectory _dir = new();
    private readonly string _builder = "recipe-" + Guid.NewGuid().ToString("N")[..8];

    private Dictionary<string, string> Environment => new() { ["DOCKER_CONFIG"] = _dir.Combine("docker-config") };

    private string Script()
    {
        _dir.WriteFile("app/Dockerfile", "FROM scratch\nARG TARGETARCH\nCOPY busybox-${TARGETARCH} /bin/busybox\n");
        File.Copy("/bin/busybox", _dir.Combine("app", "busybox-amd64"));
        File.Copy(TestBed.Arm64Busybox, _dir.Combine("app", "busybox-arm64"));
        Directory.CreateDirectory(_dir.Combine("docker-config"));
        return _dir.WriteFile("build.cake", $"#r \"{Addin}\"\n#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"\nRunTarget(Argument(\"target\", \"Publish\"));\n");
    }

    private (int ExitCode, string Output) Cake(string script, params string[] arguments) =>
        TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, Environment, ["tool", "run", "dotnet-cake", script, .. arguments]);

    private void CreateBuilder()
    {
        if (!File.Exists(TestBed.Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches it)");
        }

        var (code, output) = TestBed.RunIn("docker", null, Environment, "buildx", "create", "--name", _builder, "--driver", "docker-container", "--driver-opt", $"image={BuilderDriversEngineTests.StandInImage},network=host", "--bootstrap");
        if (code != 0)
        {
            TestPaths.SkipOrFail($"no docker-container builder on the stand-in image {BuilderDriversEngineTests.StandInImage} (tests/testbed/setup.sh builds it): {output.Trim()}");
        }
    }

    private static string? TagDigest(string image)
    {
        using var client = new RegistryClient(new RegistryClientOptions());
        var reference = ImageReference.Parse(image);
        return client.HeadManifestAsync(reference, reference.Tag!).GetAwaiter().GetResult()?.Digest;
    }

    [Fact]
    public void Should_Publish_Through_A_Docker_Container_Builder_With_Buildx_Pushing_By_Digest()
    {
        // Given
        bed.Require();
        var script = Script();
        CreateBuilder();
        var repository = $"{bed.Open}/cma/dc-{Guid.NewGuid():N}"[..^24];

        // When
        var (exitCode, output) = Cake(script, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--context={_dir.Combine("app")}", $"--builder={_builder}", "--digest-push=buildx");

        // Then
        Assert.True(exitCode == 0, output);
        Assert.Contains($"MultiArch: building with '{_builder}' (docker-container): builder '{_builder}' (docker-container) named by the settings; pushing by digest with buildx (push-by-digest).", output, StringComparison.Ordinal);
        Assert.DoesNotContain("exporting to oci image format", output, StringComparison.Ordinal); // the layout route (--digest-push=layout) exports an OCI layout
        var verified = System.Text.RegularExpressions.Regex.Match(output, $@"VerifyManifest: {System.Text.RegularExpressions.Regex.Escape(repository)}@(sha256:[0-9a-f]{{64}}) serves linux/amd64,linux/arm64");
        Assert.True(verified.Success, output);
        Assert.Equal(verified.Groups[1].Value, TagDigest($"{repository}:1.0"));
    }

    [Fact]
    public void Should_Publish_Each_Platform_Through_A_Docker_Container_Builder_Then_Merge_Them()
    {
        // Given
        bed.Require();
        var script = Script();
        CreateBuilder();
        var repository = $"{bed.Open}/cma/dcmerge-{Guid.NewGuid():N}"[..^24];
        var records = _dir.Combine("records");
        string[] common = [$"--image={repository}:1.0", $"--records={records}", $"--context={_dir.Combine("app")}", $"--builder={_builder}", "--digest-push=buildx"];

        // When
        var amd64 = Cake(script, ["--target=Publish-Platform", "--platforms=linux/amd64", .. common]);
        var arm64 = Cake(script, ["--target=Publish-Platform", "--platforms=linux/arm64", .. common]);
        var merge = Cake(script, ["--target=Publish-Merge", "--platforms=linux/amd64,linux/arm64", .. common]);

        // Then
        Assert.True(amd64.ExitCode == 0, amd64.Output);
        Assert.True(arm64.ExitCode == 0, arm64.Output);
        Assert.True(merge.ExitCode == 0, merge.Output);
        Assert.Contains("pushing by digest with buildx (push-by-digest)", arm64.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("exporting to oci image format", arm64.Output, StringComparison.Ordinal); // the layout route (--digest-push=layout) exports an OCI layout
        var amd64Record = PublishRecord.Parse(File.ReadAllText(Path.Combine(records, "linux-amd64.json")), "amd64");
        var arm64Record = PublishRecord.Parse(File.ReadAllText(Path.Combine(records, "linux-arm64.json")), "arm64");
        Assert.Contains($"exporting manifest {arm64Record.Digest}", arm64.Output, StringComparison.Ordinal);
        Assert.Contains($"exporting manifest {amd64Record.Digest}", amd64.Output, StringComparison.Ordinal);
        var merged = System.Text.RegularExpressions.Regex.Match(merge.Output, @"PromoteImage: \S+:1\.0: \(none\) -> (sha256:[0-9a-f]{64}) \(created\)");
        Assert.True(merged.Success, merge.Output);
        Assert.Equal(merged.Groups[1].Value, TagDigest($"{repository}:1.0"));
    }

    public void Dispose()
    {
        // buildx rm removes the builder's container and its state volume.
        TestBed.RunIn("docker", null, Environment, "buildx", "rm", "--", _builder);
        _dir.Dispose();
    }
}
