using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docs;

/// <summary>
/// The examples of the alias pages in docs/aliases/ that no other test runs (BuildxBuild's,
/// EnsureBuilder's, CheckDockerfile's and ImageMetadata's run in ReadmeExampleTests,
/// ReadmeBuilderExamplesTests, ReadmePreflightExampleTests and ReadmeMetadataExampleTests), each
/// as a whole script by the real <c>dotnet cake</c> on the real engine against the test bed's
/// registry. As for the README's blocks, only the <c>#addin</c> line (the built addin instead)
/// and registry.example.com (the test bed's registry) change.
/// </summary>
public sealed class AliasPageExamplesTests
{
    private const string Registry = TestBedTags.Registry;

    // The build context the pages' ./src/app names: the test bed's two-platform busybox.
    internal const string Dockerfile = """
        FROM 127.0.0.1:5000/testbed/busybox:1
        ARG TARGETARCH
        RUN echo "built for ${TARGETARCH} on $(uname -m)" > /app.txt
        CMD ["/bin/cat", "/app.txt"]
        """;

    [Fact]
    public void Should_Run_The_Engine_Alias_Examples_When_Their_Pages_Are_Copied()
    {
        // Given
        RequireTestBed();
        using var dir = new TempDirectory();

        // When
        var version = Run(dir, "BuildxVersion", "none");
        var qemu = Run(dir, "RegisterQemu", "none");
        var remove = Run(dir, "RemoveBuilder", "none");

        // Then
        Assert.Matches(@"buildx \d+\.\d+\.\d+ \(v?\d+\.\d+\.\d+", version);
        Assert.Matches(@"linux/arm64: (Native|AlreadyRegistered|Registered)\b", qemu);
        Assert.Matches(@"linux/arm/v7: (Native|AlreadyRegistered|Registered)\b", qemu);
        Assert.Contains("RemoveBuilder: no builder 'ci-multiarch-old' exists; nothing to remove.", remove, StringComparison.Ordinal);
        Assert.Contains("No builder to remove.", remove, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Run_The_Registry_Alias_Examples_When_Their_Pages_Are_Copied()
    {
        // Given: the image the pages start from, registry.example.com/team/app:1.0, is a copy of the test bed's base image
        RequireTestBed();
        var suffix = "docs-" + Guid.NewGuid().ToString("N")[..8];
        var (copyExit, copyOutput) = TestBed.Run("skopeo", "copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{Registry}/testbed/busybox:1", $"docker://{Registry}/{suffix}/app:1.0");
        Assert.True(copyExit == 0, copyOutput);
        var digest = await TestBedTags.DigestAsync($"{suffix}/app", "1.0");
        Assert.NotNull(digest);
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", Dockerfile);

        // When
        var verify = Run(dir, "VerifyManifest", suffix);
        var read = Run(dir, "ReadPushedImage", suffix);
        var promote = Run(dir, "PromoteImage", suffix);

        // Then: verified deep, each platform's digest read, the digest put under three tags in two repositories
        Assert.Contains($"{Registry}/{suffix}/app:1.0 → {digest}: passed (linux/amd64 Ok, linux/arm64 Ok)", verify, StringComparison.Ordinal);
        Assert.Contains("2 images verified", verify, StringComparison.Ordinal);
        Assert.Matches(@"linux/amd64: sha256:[0-9a-f]{64} \(attestation none\)", read);
        Assert.Matches(@"linux/arm64: sha256:[0-9a-f]{64} \(attestation none\)", read);
        Assert.Contains($"1.0.1: (none) -> {digest} (created)", promote, StringComparison.Ordinal);
        Assert.Equal(digest, await TestBedTags.DigestAsync($"{suffix}/app", "1.0.1"));
        Assert.Equal(digest, await TestBedTags.DigestAsync($"{suffix}/app", "stable"));
        Assert.Equal(digest, await TestBedTags.DigestAsync($"{suffix}/app-releases", "1.0.1"));
    }

    [Fact]
    public async Task Should_Run_The_Publishing_Alias_Examples_When_Their_Pages_Are_Copied()
    {
        // Given
        RequireTestBed();
        var suffix = "docs-" + Guid.NewGuid().ToString("N")[..8];
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", Dockerfile);

        // When
        var push = Run(dir, "PushOciLayout", suffix);
        var record = Run(dir, "WritePublishRecord", suffix);
        var merge = Run(dir, "MergeImages", suffix);

        // Then: a two-platform index pushed by digest; one platform's record written; two single-platform pushes merged, verified and tagged
        Assert.Matches($@"Pushed {Regex.Escape($"{Registry}/{suffix}/app")}@sha256:[0-9a-f]{{64}} \(linux/amd64, linux/arm64\) by digest", push);
        var recordFile = Path.Combine(dir.Path, "artifacts", "multiarch-records", "linux-arm64.json");
        Assert.Contains($"Wrote {recordFile}", record, StringComparison.Ordinal);
        Assert.Contains("cake-multiarch/publish-record/v1", File.ReadAllText(recordFile), StringComparison.Ordinal);
        Assert.Contains($"\"{Registry}/{suffix}/app\"", File.ReadAllText(recordFile), StringComparison.Ordinal);
        var merged = Regex.Match(merge, $@"Merged {Regex.Escape($"{Registry}/{suffix}/app")}@(sha256:[0-9a-f]{{64}}) \(linux/amd64, linux/arm64\)");
        Assert.True(merged.Success, merge);
        Assert.Equal(merged.Groups[1].Value, await TestBedTags.DigestAsync($"{suffix}/app", "2.0"));
    }

    [Fact]
    public async Task Should_Run_The_Signing_Alias_Examples_When_Their_Pages_Are_Copied()
    {
        // Given: registry.example.com/team/app:1.0 as a copy of the test bed's base image, and the
        // key pair the page names, made by cosign next to the script with the password the page reads
        RequireTestBed();
        if (!File.Exists("/usr/bin/cosign"))
        {
            TestPaths.SkipOrFail("cosign is not installed (tests/testbed/setup.sh installs cosign 2.5.0 from Debian 13)");
        }

        var suffix = "docs-" + Guid.NewGuid().ToString("N")[..8];
        var (copyExit, copyOutput) = TestBed.Run("skopeo", "copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{Registry}/testbed/busybox:1", $"docker://{Registry}/{suffix}/app:1.0");
        Assert.True(copyExit == 0, copyOutput);
        var digest = await TestBedTags.DigestAsync($"{suffix}/app", "1.0");
        using var dir = new TempDirectory();
        var password = "docs-key-" + Guid.NewGuid().ToString("N");
        var (keyExit, keyOutput) = TestBed.RunIn("/usr/bin/cosign", dir.Path, new Dictionary<string, string> { ["COSIGN_PASSWORD"] = password }, "generate-key-pair");
        Assert.True(keyExit == 0, keyOutput);
        var environment = new Dictionary<string, string> { ["COSIGN_KEY_PASSWORD"] = password };

        // When
        var sign = Run(dir, "SignImage", suffix, environment);
        var verify = Run(dir, "VerifySignature", suffix);

        // Then: the index and both platforms signed (their .sig tags in the registry), then verified one by one
        Assert.Contains($"index {digest} -> {digest!.Replace(':', '-')}.sig", sign, StringComparison.Ordinal);
        Assert.Matches(@"linux/amd64 sha256:[0-9a-f]{64} -> sha256-[0-9a-f]{64}\.sig", sign);
        Assert.Matches(@"linux/arm64 sha256:[0-9a-f]{64} -> sha256-[0-9a-f]{64}\.sig", sign);
        using (var client = new Cake.MultiArch.Registry.RegistryAccess().CreateClient())
        {
            Assert.NotNull(await client.HeadManifestAsync(Cake.MultiArch.Registry.ImageReference.Parse($"{Registry}/{suffix}/app:1.0"), digest.Replace(':', '-') + ".sig", TestContext.Current.CancellationToken));
        }

        Assert.Contains($"index {digest}: 1 signature(s) verified", verify, StringComparison.Ordinal);
        Assert.Matches(@"linux/amd64 sha256:[0-9a-f]{64}: 1 signature\(s\) verified", verify);
        Assert.Matches(@"linux/arm64 sha256:[0-9a-f]{64}: 1 signature\(s\) verified", verify);
        Assert.DoesNotContain(password, sign + verify, StringComparison.Ordinal);
    }

    /// <summary>Runs the single csharp block of an alias page as a script of its own, and returns its output (the run must succeed).</summary>
    private static string Run(TempDirectory dir, string alias, string suffix, IDictionary<string, string>? environment = null)
    {
        var block = Assert.Single(DocBlocks.Read($"docs/aliases/{alias}.md", "csharp"));
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = block
            .Replace("#addin nuget:?package=Cake.MultiArch&version=0.1.0", $"#r \"{addin}\"", StringComparison.Ordinal)
            .Replace("registry.example.com/team/", $"{Registry}/{suffix}/", StringComparison.Ordinal);
        Assert.Contains($"#r \"{addin}\"", script, StringComparison.Ordinal);
        var file = dir.WriteFile(alias + ".cake", script);
        var (exit, output) = TestBed.RunIn(TimeSpan.FromMinutes(6), "dotnet", TestPaths.RepositoryRoot, environment ?? new Dictionary<string, string>(), "tool", "run", "dotnet-cake", file);
        Assert.True(exit == 0, $"docs/aliases/{alias}.md: {output}");
        return output;
    }

    private static void RequireTestBed()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail("docker with the buildx plugin is not available (tests/testbed/setup.sh installs and starts it): " + output.Trim());
        }

        var (skopeo, skopeoOutput) = TestBed.Run("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{Registry}/testbed/busybox:1");
        if (skopeo != 0)
        {
            TestPaths.SkipOrFail($"the test bed's registry at {Registry} has no base image testbed/busybox:1, or skopeo is missing (tests/testbed/setup.sh installs both): " + skopeoOutput.Trim());
        }
    }
}
