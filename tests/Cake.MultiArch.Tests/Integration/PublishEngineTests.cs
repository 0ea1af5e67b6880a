using System.Text.Json.Nodes;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// recipe.cake run by the real <c>dotnet cake</c> against the real engine (default builder,
/// containerd store, QEMU arm64) and the RegistryBed's registry: native-runner builds merged by a
/// job with no docker, and a broken build that never gets the tag.
/// </summary>
[Collection("registry")]
public sealed class PublishEngineTests(RegistryBed bed)
{
    private static readonly string Addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");

    private static void RequireEngine()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail("docker with buildx is not available (tests/testbed/setup.sh installs it): " + output.Trim());
        }

        if (!File.Exists(TestBed.Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches it)");
        }
    }

    private static (TempDirectory Dir, string Script) Project(string dockerfile)
    {
        var dir = new TempDirectory();
        dir.WriteFile("app/Dockerfile", dockerfile);
        File.Copy("/bin/busybox", dir.Combine("app", "busybox-amd64"));
        File.Copy(TestBed.Arm64Busybox, dir.Combine("app", "busybox-arm64"));
        Directory.CreateDirectory(dir.Combine("docker-config"));
        var script = dir.WriteFile("build.cake", $"#r \"{Addin}\"\n#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"\nRunTarget(Argument(\"target\", \"Publish\"));\n");
        return (dir, script);
    }

    private static (int ExitCode, string Output) Cake(TempDirectory dir, string script, IDictionary<string, string>? environment, params string[] arguments)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DOCKER_CONFIG"] = dir.Combine("docker-config") };
        return TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, env, ["tool", "run", "dotnet-cake", script, .. arguments]);
    }

    private static string? TagDigest(string image)
    {
        using var client = new RegistryClient(new RegistryClientOptions());
        var reference = ImageReference.Parse(image);
        return client.HeadManifestAsync(reference, reference.Tag!).GetAwaiter().GetResult()?.Digest;
    }

    [Fact]
    public async Task Should_Merge_Two_Native_Runner_Builds_Without_Docker_And_Tag_The_Verified_Index()
    {
        // Given: one project, two per-platform runs (amd64 native, arm64 under QEMU), a merge job
        // whose PATH holds dotnet only
        bed.Require();
        RequireEngine();
        var (dir, script) = Project("FROM scratch\nARG TARGETARCH\nCOPY busybox-${TARGETARCH} /bin/busybox\n");
        using var _ = dir;
        var repository = $"{bed.Open}/cma/native-{Guid.NewGuid():N}"[..^24];
        var records = dir.Combine("records");
        var common = new[] { $"--image={repository}:1.0", $"--records={records}", $"--context={dir.Combine("app")}", "--tags=latest" };
        var noDocker = dir.Combine("nodocker");
        Directory.CreateDirectory(noDocker);
        File.CreateSymbolicLink(Path.Combine(noDocker, "dotnet"), Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet") is var local && File.Exists(local) ? local : "/usr/bin/dotnet");

        // When
        var amd64 = Cake(dir, script, null, ["--target=Publish-Platform", "--platforms=linux/amd64", .. common]);
        var arm64 = Cake(dir, script, null, ["--target=Publish-Platform", "--platforms=linux/arm64", .. common]);
        var merge = Cake(dir, script, new Dictionary<string, string> { ["PATH"] = noDocker, ["DOTNET_ROOT"] = Path.GetDirectoryName(File.ResolveLinkTarget(Path.Combine(noDocker, "dotnet"), true)?.FullName ?? "/usr/bin/dotnet")! }, ["--target=Publish-Merge", "--platforms=linux/amd64,linux/arm64", .. common]);

        // Then
        Assert.True(amd64.ExitCode == 0, amd64.Output);
        Assert.True(arm64.ExitCode == 0, arm64.Output);
        Assert.True(merge.ExitCode == 0, merge.Output);
        var amd64Record = PublishRecord.Parse(File.ReadAllText(Path.Combine(records, "linux-amd64.json")), "amd64");
        var arm64Record = PublishRecord.Parse(File.ReadAllText(Path.Combine(records, "linux-arm64.json")), "arm64");
        Assert.Contains($"exporting manifest {amd64Record.Digest}", amd64.Output, StringComparison.Ordinal);
        Assert.Contains($"exporting manifest {arm64Record.Digest}", arm64.Output, StringComparison.Ordinal);
        Assert.Contains($"exporting attestation manifest {arm64Record.AttestationDigest}", arm64.Output, StringComparison.Ordinal);
        var path = repository[(bed.Open.Length + 1)..];
        var (type, bytes) = await bed.GetAsync(bed.Open, $"{path}/manifests/1.0", MediaTypes.OciIndex);
        Assert.Equal(MediaTypes.OciIndex, type);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var entries = JsonNode.Parse(bytes)!["manifests"]!.AsArray();
        Assert.Equal(
            [$"{amd64Record.Digest} linux/amd64", $"{amd64Record.AttestationDigest} -> {amd64Record.Digest}", $"{arm64Record.Digest} linux/arm64", $"{arm64Record.AttestationDigest} -> {arm64Record.Digest}"],
            entries.Select(e => e!["annotations"]?["vnd.docker.reference.digest"] is { } subject ? $"{e["digest"]} -> {subject}" : $"{e["digest"]} {e["platform"]!["os"]}/{e["platform"]!["architecture"]}"));
        Assert.Contains($"VerifyManifest: {repository}@{digest} serves linux/amd64,linux/arm64, binaries checked.", merge.Output, StringComparison.Ordinal);
        Assert.Contains($"PromoteImage: {repository}:1.0: (none) -> {digest} (created)", merge.Output, StringComparison.Ordinal);
        Assert.Equal(digest, TagDigest($"{repository}:latest"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_Leave_The_Tag_Alone_When_The_Arm64_Image_Holds_Amd64_Binaries(bool previous)
    {
        // Given: a Dockerfile that forgets TARGETARCH (amd64's busybox in both images)
        bed.Require();
        RequireEngine();
        var (dir, script) = Project("FROM scratch\nCOPY busybox-amd64 /bin/busybox\n");
        using var _ = dir;
        var repository = $"{bed.Open}/cma/broken-{Guid.NewGuid():N}"[..^24];
        string? good = null;
        if (previous)
        {
            var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", MediaTypes.OciIndex);
            good = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(index));
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{good}", Tags = { $"{repository}:1.0" } });
        }

        // When
        var (exitCode, output) = Cake(dir, script, null, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--context={dir.Combine("app")}");

        // Then
        Assert.NotEqual(0, exitCode);
        Assert.Contains("An error occurred when executing task 'MultiArch-Verify'.", output, StringComparison.Ordinal);
        Assert.Matches(@"VerifyManifest: \S+@sha256:[0-9a-f]{64} failed 1 check:", output);
        Assert.Contains("linux/arm64", output[output.IndexOf("failed 1 check", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain("MultiArch-Promote ", output, StringComparison.Ordinal);
        Assert.Equal(good, TagDigest($"{repository}:1.0"));
    }
}
