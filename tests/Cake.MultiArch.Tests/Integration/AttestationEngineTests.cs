using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The attestation checks on what the real engine makes: a two-platform build through
/// BuildxBuild with provenance max and the test bed's SBOM scanner (BuildKit runs it once per
/// platform), then indexes composed from that build's own manifests the way a broken merge
/// composes them, pushed to the bed's registry with the registry API.
/// </summary>
[Collection("engine")]
public sealed class AttestationEngineTests(EngineBed bed)
{
    private const string Scanner = "127.0.0.1:5000/cake-multiarch/sbom-scanner:1";

    private sealed record Built(string Image, BuildxBuildResult Result, JsonNode Index);

    private static VerifyManifestRunner Runner(TestCakeContext cake) =>
        new(cake.Context.FileSystem, cake.Context.Environment, cake.Context.ProcessRunner, cake.Context.Tools, cake.Context.Log);

    private static string Short(string digest) => digest[..19];

    private static JsonNode Entry(JsonNode index, Func<JsonNode, bool> match) => index["manifests"]!.AsArray().Single(m => match(m!))!;

    private static bool IsPlatform(JsonNode entry, string architecture) => (string?)entry["platform"]?["architecture"] == architecture;

    private static bool IsAttestationOf(JsonNode entry, string digest) => (string?)entry["annotations"]?["vnd.docker.reference.digest"] == digest;

    private Built Build() => bed.Shared("attested", () =>
    {
        var (code, output) = TestBed.Run("docker", "buildx", "imagetools", "inspect", Scanner);
        if (code != 0)
        {
            TestPaths.SkipOrFail($"the SBOM scanner image {Scanner} is not in the test-bed registry (tests/testbed/setup.sh builds it): {output.Trim()}");
        }

        var image = bed.Image("attested");
        var cake = bed.Cake();
        var result = cake.Context.BuildxBuild(bed.Context(BuildEngineTests.UnameDockerfile), s => s
            .WithBuilder("default")
            .WithPlatform("linux/amd64", "linux/arm64")
            .WithTag(image)
            .WithProvenance(ProvenanceMode.Max)
            .WithSbomGenerator(Scanner)
            .WithPush());
        var index = bed.GetManifestAsync(bed.PathOf(image), EngineBed.IndexAccept).GetAwaiter().GetResult().Json;
        return new Built(image, result, index);
    });

    // PUTs an index (the built one, edited) under a new tag of the build's repository.
    private async Task<string> PushIndexAsync(Built built, string tag, Action<JsonNode> edit)
    {
        var index = built.Index.DeepClone();
        edit(index);
        var bytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        var path = bed.PathOf(built.Image);
        var repository = path[..path.LastIndexOf(':')];
        using var http = new HttpClient();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.index.v1+json");
        using var response = await http.PutAsync(new Uri($"http://{bed.Registry}/v2/{repository}/manifests/{tag}"), content, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"PUT {tag}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), response.Headers.GetValues("Docker-Content-Digest").Single());
        return $"{bed.Registry}/{repository}:{tag}";
    }

    [Fact]
    public void Should_Pass_Provenance_Sbom_And_AttestationSubject_When_Buildx_Attests_Each_Platform()
    {
        // Given
        bed.Require();
        var built = Build();
        var settings = new VerifyManifestSettings { AttestationChecks = { AttestationCheck.Provenance, AttestationCheck.Sbom, AttestationCheck.AttestationSubject } };
        var cake = bed.Cake();

        // When: the alias, by the build's digest
        var result = cake.Context.VerifyManifest(built.Result, settings);

        // Then: each platform's SBOM (from the scanner) and provenance v0.2 are about its own manifest
        Assert.True(result.Passed, string.Join("\n", result.Problems));
        Assert.Equal(2, result.AttestationManifests);
        foreach (var platform in result.Platforms)
        {
            Assert.Equal(PlatformCheckStatus.Ok, platform.Status);
            Assert.Equal(["https://spdx.dev/Document", "https://slsa.dev/provenance/v0.2"], platform.AttestationStatements.Select(s => s.PredicateType).Order(StringComparer.Ordinal).Reverse());
            Assert.All(platform.AttestationStatements, s => Assert.Equal([platform.Digest!], s.Subjects));
            var attestation = Entry(built.Index, e => IsAttestationOf(e, platform.Digest!));
            Assert.All(platform.AttestationStatements, s => Assert.Equal((string)attestation["digest"]!, s.AttestationManifest));
        }

        Assert.Contains(cake.Log.Lines, l => l.Text.EndsWith("attestations checked (Provenance, Sbom, AttestationSubject).", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_Find_The_Sbom_Of_Another_Platform_When_The_Arm64_Entry_Carries_The_Amd64_Attestation_Manifest()
    {
        // Given: an index whose arm64 attestation entry is amd64's attestation manifest
        bed.Require();
        var built = Build();
        var amd64 = (string)Entry(built.Index, e => IsPlatform(e, "amd64"))["digest"]!;
        var arm64 = (string)Entry(built.Index, e => IsPlatform(e, "arm64"))["digest"]!;
        var amd64Attestation = Entry(built.Index, e => IsAttestationOf(e, amd64));
        var image = await PushIndexAsync(built, "wrong-sbom", index =>
        {
            var entry = Entry(index, e => IsAttestationOf(e, arm64));
            entry["digest"] = (string)amd64Attestation["digest"]!;
            entry["size"] = (long)amd64Attestation["size"]!;
        });
        var settings = new VerifyManifestSettings { Image = image, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, AttestationChecks = { AttestationCheck.Sbom, AttestationCheck.AttestationSubject } };

        // When
        var result = await Runner(bed.Cake()).RunAsync(settings, TestContext.Current.CancellationToken);

        // Then: one finding, naming arm64 and the platform the SBOM was made for
        Assert.Equal(
            [$"linux/arm64: Sbom: the SPDX statement attached to its manifest {Short(arm64)} is about the linux/amd64 manifest {Short(amd64)}, not this manifest: SPDX made for another platform. Fix: make the SBOM per platform (BuildxBuildSettings.Sbom = true or SbomGenerator, --sbom): BuildKit scans each platform's files and attaches each SBOM to its own manifest."],
            result.Problems);
        Assert.Equal([PlatformCheckStatus.Ok, PlatformCheckStatus.AttestationProblem], result.Platforms.Select(p => p.Status));
    }

    [Fact]
    public async Task Should_Find_An_Attestation_That_Points_Outside_The_Index_When_A_Platform_Was_Dropped()
    {
        // Given: the arm64 platform entry dropped, its attestation manifest kept
        bed.Require();
        var built = Build();
        var amd64 = (string)Entry(built.Index, e => IsPlatform(e, "amd64"))["digest"]!;
        var arm64 = (string)Entry(built.Index, e => IsPlatform(e, "arm64"))["digest"]!;
        var arm64Attestation = (string)Entry(built.Index, e => IsAttestationOf(e, arm64))["digest"]!;
        var image = await PushIndexAsync(built, "dropped-arm64", index => index["manifests"]!.AsArray().Remove(Entry(index, e => IsPlatform(e, "arm64"))));
        var settings = new VerifyManifestSettings { Image = image, ExpectedPlatforms = { "linux/amd64" }, AttestationChecks = { AttestationCheck.AttestationSubject, AttestationCheck.Provenance } };

        // When
        var result = await Runner(bed.Cake()).RunAsync(settings, TestContext.Current.CancellationToken);

        // Then: amd64's provenance is fine; the orphan attestation manifest and its two statements are findings
        const string Fix = "Fix: compose the index with MergeImages or imagetools create from the platform images (both keep each platform's attestation manifest next to it), or build again.";
        var lists = $"it lists linux/amd64 {Short(amd64)}";
        Assert.Equal(
            [
                $"AttestationSubject: the attestation manifest {Short(arm64Attestation)} points at {Short(arm64)} (vnd.docker.reference.digest), which is not in the index; {lists}. {Fix}",
                $"AttestationSubject: the https://spdx.dev/Document statement of the attestation manifest {Short(arm64Attestation)} is about {Short(arm64)}, which is not in the index; {lists}. {Fix}",
                $"AttestationSubject: the https://slsa.dev/provenance/v0.2 statement of the attestation manifest {Short(arm64Attestation)} is about {Short(arm64)}, which is not in the index; {lists}. {Fix}",
            ],
            result.Problems);
    }
}
