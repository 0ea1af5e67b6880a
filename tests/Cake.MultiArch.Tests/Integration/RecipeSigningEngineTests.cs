using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;
using Cake.MultiArch.Tests.SignImage;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// recipe.cake run by the real <c>dotnet cake</c> with <c>--sign-key</c> (issue 17): Publish
/// builds on the engine's default builder and pushes by digest, Publish-Merge merges records of
/// platform manifests already in the registry; both verify, sign with the real cosign (a key pair
/// made here, its password in <c>MULTIARCH_SIGN_PASSWORD</c>, offline: <c>--sign-tlog=false</c>),
/// verify the signatures, and only then tag. Every run is at Diagnostic verbosity, so a password
/// that leaked into any log line would show.
/// </summary>
[Collection("registry")]
public sealed class RecipeSigningEngineTests(RegistryBed bed) : IDisposable
{
    private static readonly string Addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
    private readonly TempDirectory _dir = new();
    private readonly string _password = "recipe-key-pass-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _dir.Dispose();

    private string SetUp(string repositoryPrefix, out string repository)
    {
        bed.Require();
        SigningRegistryTests.Signing.Require();
        _dir.WriteFile("app/Dockerfile", "FROM scratch\nARG TARGETARCH\nCOPY busybox-${TARGETARCH} /bin/busybox\n");
        File.Copy("/bin/busybox", _dir.Combine("app", "busybox-amd64"));
        if (!File.Exists(TestBed.Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches it)");
        }

        File.Copy(TestBed.Arm64Busybox, _dir.Combine("app", "busybox-arm64"));
        Directory.CreateDirectory(_dir.Combine("docker-config"));
        GenerateKeyPair("cosign");
        repository = $"{bed.Open}/cma/{repositoryPrefix}-{PublishedImages.Suffix()}";
        return _dir.WriteFile("build.cake", $"#r \"{Addin}\"\n#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"\nRunTarget(Argument(\"target\", \"Publish\"));\n");
    }

    private void GenerateKeyPair(string prefix)
    {
        var (code, output) = TestBed.RunIn("/usr/bin/cosign", _dir.Path, new Dictionary<string, string> { ["COSIGN_PASSWORD"] = _password }, "generate-key-pair", "--output-key-prefix", prefix);
        Assert.True(code == 0, output);
    }

    private (int ExitCode, string Output) Cake(string script, string password, params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = _dir.Combine("docker-config"), ["MULTIARCH_SIGN_PASSWORD"] = password };
        return TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, environment, ["tool", "run", "dotnet-cake", script, "--verbosity=diagnostic", $"--sign-key={_dir.Combine("cosign.key")}", "--sign-tlog=false", .. arguments]);
    }

    private (int ExitCode, string Output) CosignVerify(string image) =>
        TestBed.RunIn("/usr/bin/cosign", _dir.Path, new Dictionary<string, string>(), "verify", "--key", "cosign.pub", "--insecure-ignore-tlog=true", "--allow-insecure-registry", image);

    /// <summary>Runs docs/supply-chain.md's "Verifying from your machine" commands as written, on the published image, with the two flags the page adds for offline signatures and a plain-HTTP registry.</summary>
    private void RunTheDocsVerifyCommands(string repository, string arm64)
    {
        var commands = Docs.DocBlocks.Read("docs/supply-chain.md", "bash").Single().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, commands.Length);
        foreach (var command in commands)
        {
            var words = command.Replace("registry.example.com/team/app", repository, StringComparison.Ordinal).Replace("sha256:<digest of linux/arm64>", arm64, StringComparison.Ordinal).Split(' ');
            Assert.Equal("cosign", words[0]);
            var (code, output) = TestBed.RunIn("/usr/bin/cosign", _dir.Path, new Dictionary<string, string>(), [.. words[1..], "--insecure-ignore-tlog=true", "--allow-insecure-registry"]);
            Assert.True(code == 0, command + System.Environment.NewLine + output);
            Assert.Contains("The cosign claims were validated", output, StringComparison.Ordinal);
        }
    }

    private static string? TagDigest(string image)
    {
        using var client = new RegistryClient(new RegistryClientOptions());
        var reference = ImageReference.Parse(image);
        return client.HeadManifestAsync(reference, reference.Tag!).GetAwaiter().GetResult()?.Digest;
    }

    /// <summary>Copies the test bed's known-good two-platform index (or, <paramref name="attested"/>, its copy with an attestation manifest on arm64) into <paramref name="repository"/> (children included) and writes one publish record per platform, as two Publish-Platform jobs would.</summary>
    private async Task<string> RecordsAsync(string repository, bool attested = false)
    {
        var (_, amd64, arm64) = await new PublishedImages(bed).GoodDigestsAsync();
        var (source, tag) = attested ? ("cma/attested", "1") : ("cma/good", "oci");
        var (_, index) = await bed.GetAsync(bed.Open, $"{source}/manifests/{tag}", MediaTypes.OciIndex);
        new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/{source}@sha256:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(index))}", Tags = { repository + ":platforms" } });
        var attestation = JsonNode.Parse(index)!["manifests"]!.AsArray().SingleOrDefault(m => (string?)m!["annotations"]?["vnd.docker.reference.digest"] == arm64)?["digest"]!.GetValue<string>();
        Assert.Equal(attested, attestation is not null);
        var records = _dir.Combine("records");
        Directory.CreateDirectory(records);
        foreach (var (platform, digest, attestationDigest) in new[] { (Platform.Parse("linux/amd64"), amd64, (string?)null), (Platform.Parse("linux/arm64"), arm64, attestation) })
        {
            File.WriteAllText(Path.Combine(records, PublishRecord.FileNameFor(platform)), new PublishRecord(repository, platform, digest, attestationDigest, "default", DateTimeOffset.UtcNow).ToJson());
        }

        return records;
    }

    /// <summary>The log lines of the signing steps, in order: the index and each platform signed (cosign's <c>sha256-&lt;hex&gt;.sig</c> tag), then each verified.</summary>
    private static string[] SignedThenVerified(string digest) =>
    [
        $"SignImage: signed index {digest} -> {digest.Replace(':', '-')}.sig",
        "SignImage: signed linux/amd64 sha256:",
        "SignImage: signed linux/arm64 sha256:",
        $"VerifySignature: index {digest}: 1 signature(s) verified",
        "VerifySignature: linux/amd64 sha256:",
        "VerifySignature: linux/arm64 sha256:",
    ];

    /// <summary>Asserts a run stopped at MultiArch-Sign with cosign's message for a wrong key password, before any signature check or promotion, and that no tag exists and the password is nowhere in the output.</summary>
    private static void AssertStoppedAtSignWithoutTag(int exitCode, string output, string repository, string wrong)
    {
        Assert.NotEqual(0, exitCode);
        var digest = Verified(output, repository);
        Assert.Contains("An error occurred when executing task 'MultiArch-Sign'.", output, StringComparison.Ordinal);
        Assert.Matches($@"SignImage: cosign sign of {Regex.Escape(repository)}@{digest} failed with exit code 1; cosign said: Error: .*decrypt", output);
        Assert.DoesNotContain("VerifySignature: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PromoteImage: ", output, StringComparison.Ordinal);
        Assert.Null(TagDigest($"{repository}:1.0"));
        Assert.DoesNotContain(wrong, output, StringComparison.Ordinal);
    }

    /// <summary>Asserts a run stopped at the verification task: the digest failed it, nothing was signed (no cosign signature tag for it in the registry), nothing promoted, no tag.</summary>
    private static async Task AssertStoppedBeforeSigningAsync(string output, string repository, string task)
    {
        var failed = Regex.Match(output, $@"VerifyManifest: {Regex.Escape(repository)}@(sha256:[0-9a-f]{{64}}) failed \d+ checks?:");
        Assert.True(failed.Success, output);
        Assert.Contains($"An error occurred when executing task '{task}'.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SignImage: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PromoteImage: ", output, StringComparison.Ordinal);
        using var client = new RegistryAccess().CreateClient();
        Assert.Null(await client.HeadManifestAsync(ImageReference.Parse(repository + ":1.0"), failed.Groups[1].Value.Replace(':', '-') + ".sig"));
        Assert.Null(TagDigest($"{repository}:1.0"));
    }

    private static void AssertInOrder(string output, string[] texts)
    {
        var at = 0;
        foreach (var text in texts)
        {
            var next = output.IndexOf(text, at, StringComparison.Ordinal);
            Assert.True(next >= 0, $"'{text}' not found after position {at} in:{System.Environment.NewLine}{output}");
            at = next + text.Length;
        }
    }

    private static string Verified(string output, string repository)
    {
        var verified = Regex.Match(output, $@"VerifyManifest: {Regex.Escape(repository)}@(sha256:[0-9a-f]{{64}}) serves linux/amd64,linux/arm64, binaries checked(, attestations checked \([A-Za-z, ]+\))?\.");
        Assert.True(verified.Success, output);
        return verified.Groups[1].Value;
    }

    [Fact]
    public void Should_Sign_And_Verify_The_Index_And_Each_Platform_Before_The_Tag_Moves_When_Publish_Has_A_Sign_Key()
    {
        // Given
        var script = SetUp("signed", out var repository);

        // When
        var (exitCode, output) = Cake(script, _password, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", "--tags=latest", $"--context={_dir.Combine("app")}", "--attestation-checks=Provenance,AttestationSubject");

        // Then
        Assert.True(exitCode == 0, output);
        var digest = Verified(output, repository);
        AssertInOrder(
            output,
            [
                $"VerifyManifest: {repository}@{digest} serves linux/amd64,linux/arm64, binaries checked, attestations checked (Provenance, AttestationSubject).",
                .. SignedThenVerified(digest),
                $"PromoteImage: {repository}:1.0: (none) -> {digest} (created)",
                $"PromoteImage: {repository}:latest: (none) -> {digest} (created)",
            ]);
        Assert.Equal(digest, TagDigest($"{repository}:1.0"));
        // cosign --recursive signs the attestation manifests too: the result names them, and their signatures are in the registry.
        var attestations = Regex.Matches(output, @"SignImage: signed attestation of (linux/amd64|linux/arm64) sha256:[0-9a-f]{64} -> (sha256-[0-9a-f]{64}\.sig)");
        Assert.Equal(["linux/amd64", "linux/arm64"], attestations.Select(m => m.Groups[1].Value));
        Assert.All(attestations, m => Assert.NotNull(TagDigest($"{repository}:{m.Groups[2].Value}")));
        RunTheDocsVerifyCommands(repository, Regex.Match(output, "SignImage: signed linux/arm64 (sha256:[0-9a-f]{64})").Groups[1].Value);
        Assert.DoesNotContain(_password, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Stop_With_Cosigns_Message_And_Move_No_Tag_When_The_Key_Password_Is_Wrong()
    {
        // Given
        var script = SetUp("wrongpass", out var repository);
        var wrong = "wrong-" + Guid.NewGuid().ToString("N") + "-password";

        // When
        var (exitCode, output) = Cake(script, wrong, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--context={_dir.Combine("app")}");

        // Then
        AssertStoppedAtSignWithoutTag(exitCode, output, repository, wrong);
        Assert.DoesNotContain(_password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Name_The_Platform_And_Leave_The_Tag_When_The_Signatures_Are_Verified_With_Another_Key()
    {
        // Given: the release tag already points at a good image; the public key is another pair's
        var script = SetUp("otherkey", out var repository);
        GenerateKeyPair("other");
        var (good, _, _) = await new PublishedImages(bed).GoodDigestsAsync();
        new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{good}", Tags = { $"{repository}:1.0" } });

        // When
        var (exitCode, output) = Cake(script, _password, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--context={_dir.Combine("app")}", $"--sign-public-key={_dir.Combine("other.pub")}");

        // Then
        Assert.NotEqual(0, exitCode);
        var digest = Verified(output, repository);
        Assert.Contains($"SignImage: signed index {digest}", output, StringComparison.Ordinal);
        Assert.Contains("An error occurred when executing task 'MultiArch-VerifySignature'.", output, StringComparison.Ordinal);
        Assert.Matches($@"VerifySignature: the signature of linux/arm64 \(sha256:[0-9a-f]{{64}}\) in {Regex.Escape(repository)} did not verify \(exit code 12\); cosign said: Error: no matching signatures", output);
        Assert.Contains("VerifySignature: the signature of linux/amd64 (sha256:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PromoteImage: ", output, StringComparison.Ordinal);
        Assert.Equal(good, TagDigest($"{repository}:1.0"));
        Assert.DoesNotContain(_password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Sign_Nothing_And_Move_No_Tag_When_An_Attestation_Check_Fails()
    {
        // Given: the recipe's build makes provenance, no SBOM
        var script = SetUp("nosbom", out var repository);

        // When
        var (exitCode, output) = Cake(script, _password, "--target=Publish", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--context={_dir.Combine("app")}", "--attestation-checks=Sbom");

        // Then
        Assert.NotEqual(0, exitCode);
        await AssertStoppedBeforeSigningAsync(output, repository, "MultiArch-Verify");
        Assert.Matches(@"linux/arm64: Sbom: ", output);
    }

    [Fact]
    public async Task Should_Sign_Nothing_And_Move_No_Tag_When_The_Merged_Index_Fails_The_Provenance_Check()
    {
        // Given: records of the test bed's attested image, whose only attestation manifest (on arm64) holds a provenance statement with no subject
        var script = SetUp("merge-noprov", out var repository);
        var records = await RecordsAsync(repository, attested: true);

        // When
        var (exitCode, output) = Cake(script, _password, "--target=Publish-Merge", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--records={records}", "--attestation-checks=Provenance");

        // Then
        Assert.NotEqual(0, exitCode);
        await AssertStoppedBeforeSigningAsync(output, repository, "MultiArch-VerifyMerged");
        Assert.Matches(@"linux/amd64: Provenance: ", output);
        Assert.Matches(@"linux/arm64: Provenance: ", output);
    }

    [Fact]
    public async Task Should_Merge_By_Digest_Then_Verify_Sign_And_Verify_The_Signatures_Before_The_Tag_Moves_When_Publish_Merge_Has_A_Sign_Key()
    {
        // Given
        var script = SetUp("merge-signed", out var repository);
        var records = await RecordsAsync(repository);

        // When
        var (exitCode, output) = Cake(script, _password, "--target=Publish-Merge", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--records={records}");

        // Then
        Assert.True(exitCode == 0, output);
        var digest = Verified(output, repository);
        AssertInOrder(
            output,
            [
                $"MergeImages: pushed {repository}@{digest} (linux/amd64 sha256:",
                $"VerifyManifest: {repository}@{digest} serves",
                .. SignedThenVerified(digest),
                $"PromoteImage: {repository}:1.0: (none) -> {digest} (created)",
            ]);
        Assert.DoesNotContain("MergeImages: " + repository + ":1.0", output, StringComparison.Ordinal);
        var (verifyCode, verifyOutput) = CosignVerify($"{repository}:1.0");
        Assert.True(verifyCode == 0, verifyOutput);
        Assert.Equal(digest, TagDigest($"{repository}:1.0"));
        Assert.DoesNotContain(_password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Leave_The_Merged_Index_Untagged_When_Publish_Merge_Signs_With_A_Wrong_Password()
    {
        // Given
        var script = SetUp("merge-wrongpass", out var repository);
        var records = await RecordsAsync(repository);
        var wrong = "wrong-" + Guid.NewGuid().ToString("N") + "-password";

        // When
        var (exitCode, output) = Cake(script, wrong, "--target=Publish-Merge", "--platforms=linux/amd64,linux/arm64", $"--image={repository}:1.0", $"--records={records}");

        // Then
        AssertStoppedAtSignWithoutTag(exitCode, output, repository, wrong);
    }
}
