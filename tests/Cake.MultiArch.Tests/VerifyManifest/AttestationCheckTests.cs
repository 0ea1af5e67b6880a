using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using NSubstitute;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>
/// The attestation checks (Provenance, Sbom, AttestationSubject) over a substitute registry that
/// serves the bytes of a real two-platform build of the test bed (buildx 0.13.1,
/// <c>--provenance=mode=max --sbom=generator=…/sbom-scanner:1</c>: Fixtures/Data/registry/attestations),
/// and over indexes composed from those bytes the way a hand-made or broken merge composes them.
/// </summary>
public sealed class AttestationCheckTests
{
    private const string Dir = "registry/attestations/";
    private const string Amd64 = "sha256:5d952c90d6d13c23e8b67a76a9ec8b6ed4837b6b16d9132638d62cd617b86ef5";
    private const string Arm64 = "sha256:1fc282a2c31727bebb39dbe7bccb72f78b629fd5126b8ac85c1db6be84600a2d";
    private const string Amd64Attestation = "sha256:fd2ac94e6b9b19bb1da537d8eddcccc903c3f6ebeb5643f73c57e2a7c1caa1a1";
    private const string Arm64Attestation = "sha256:369d26b70db4e3fb164e7d673e34deb0bcb7c206beeb64d8c8bb53a7dcda252a";
    private const string Arm64Sbom = "sha256:d97c3f0ff68250905e5c24a27071384407baefe6958ad551a2b40df2bc128c58";
    private const string Image = "127.0.0.1:5001/tb/uname:1";

    private static readonly string[] Files =
    [
        "manifest-amd64.json", "manifest-arm64.json", "config-amd64.json", "config-arm64.json", "attestation-amd64.json", "attestation-arm64.json",
        "sbom-amd64.json", "sbom-arm64.json", "provenance-amd64.json", "provenance-arm64.json",
    ];

    /// <summary>A registry of content-addressed documents (the real build's, plus those a test adds) and the index the tag resolves to.</summary>
    private sealed class Store
    {
        public Dictionary<string, byte[]> Blobs { get; } = Files.Select(f => File.ReadAllBytes(TestPaths.Fixture(Dir + f))).ToDictionary(Digest, b => b, StringComparer.Ordinal);

        public byte[] Index { get; set; } = File.ReadAllBytes(TestPaths.Fixture(Dir + "index.json"));

        public string IndexDigest => Digest(Index);

        public List<string> BlobReads { get; } = [];

        public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

        public string Add(string json)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            Blobs[Digest(bytes)] = bytes;
            return Digest(bytes);
        }

        /// <summary>Rewrites the index (a JSON edit of the real one).</summary>
        public void EditIndex(Action<JsonArray> edit)
        {
            var index = JsonNode.Parse(Index)!;
            edit(index["manifests"]!.AsArray());
            Index = Encoding.UTF8.GetBytes(index.ToJsonString());
        }

        public VerifyManifestRunner Runner(RecordingLog log)
        {
            var client = Substitute.For<IRegistryClient>();
            client.GetManifestAsync(Arg.Any<ImageReference>(), "1", Arg.Any<CancellationToken>()).Returns(_ => new ManifestResult(MediaTypes.OciIndex, IndexDigest, Index));
            client.GetManifestAsync(Arg.Any<ImageReference>(), Arg.Is<string>(d => d.StartsWith("sha256:", StringComparison.Ordinal)), Arg.Any<CancellationToken>())
                .Returns(call => new ManifestResult(MediaTypes.OciManifest, call.ArgAt<string>(1), Blobs[call.ArgAt<string>(1)]));
            client.GetBlobAsync(Arg.Any<ImageReference>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call =>
            {
                lock (BlobReads)
                {
                    BlobReads.Add(call.ArgAt<string>(1));
                }

                return Blobs[call.ArgAt<string>(1)];
            });
            return new VerifyManifestRunner(log.Log, _ => client);
        }
    }

    private static VerifyManifestSettings Settings(params string[] checks)
    {
        var settings = new VerifyManifestSettings { Image = Image, ExpectedPlatforms = { "linux/amd64", "linux/arm64" } };
        foreach (var check in checks)
        {
            settings.AttestationChecks.Add(check);
        }

        return settings;
    }

    private static string Short(string digest) => digest[..19];

    private static async Task<VerifyManifestResult> RunAsync(Store store, VerifyManifestSettings settings, RecordingLog? log = null) =>
        await store.Runner(log ?? new RecordingLog()).RunAsync(settings, TestContext.Current.CancellationToken);

    public sealed class TheRealBuild
    {
        [Fact]
        public async Task Should_Pass_Every_Check_And_Type_The_Statements_On_Each_Platform_Line_When_Buildx_Made_Them()
        {
            // Given: the real index, its two attestation manifests and their four statements
            var store = new Store();

            // When
            var result = await RunAsync(store, Settings([.. AttestationCheck.All]));

            // Then
            Assert.Empty(result.Problems);
            Assert.Equal([PlatformCheckStatus.Ok, PlatformCheckStatus.Ok], result.Platforms.Select(p => p.Status));
            Assert.Equal(
                [$"https://spdx.dev/Document about {Amd64}", $"https://slsa.dev/provenance/v0.2 about {Amd64}"],
                result.Platforms[0].AttestationStatements.Select(s => s.ToString()));
            Assert.Equal(
                [$"https://spdx.dev/Document about {Arm64}", $"https://slsa.dev/provenance/v0.2 about {Arm64}"],
                result.Platforms[1].AttestationStatements.Select(s => s.ToString()));
            var sbom = result.Platforms[1].AttestationStatements[0];
            Assert.Equal(("https://spdx.dev/Document", Arm64Attestation, Arm64Sbom), (sbom.PredicateType, sbom.AttestationManifest, sbom.LayerDigest));
            Assert.Equal([Arm64], sbom.Subjects);
            Assert.Equal(["sbom", "provenance"], result.Platforms[1].Attestations);
            Assert.All(result.Platforms, p => Assert.Empty(p.AttestationFindings));
        }

        [Fact]
        public async Task Should_Read_No_Statement_When_No_Attestation_Check_Is_Listed()
        {
            // Given
            var store = new Store();

            // When: off by default
            var result = await RunAsync(store, Settings());

            // Then: only the two configs were read; the lines name the kinds from the annotations
            Assert.True(result.Passed);
            Assert.Equal(2, store.BlobReads.Count);
            Assert.All(result.Platforms, p => Assert.Empty(p.AttestationStatements));
            Assert.Equal(["sbom", "provenance"], result.Platforms[0].Attestations);
        }

        [Fact]
        public async Task Should_Log_Each_Finding_Under_The_Table()
        {
            // Given: an index without its attestation manifests
            var store = new Store();
            store.EditIndex(m => m.RemoveAt(3));
            var log = new RecordingLog();

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.Provenance), log);

            // Then
            var problem = Assert.Single(result.Problems);
            Assert.Contains(log.Lines, l => l.Text == $"VerifyManifest: {problem}");
            Assert.Equal(PlatformCheckStatus.AttestationProblem, result.Platforms[1].Status);
        }
    }

    public sealed class TheProvenanceCheck
    {
        [Fact]
        public async Task Should_Name_The_Platform_When_Its_Manifest_Has_No_Provenance()
        {
            // Given: the arm64 attestation manifest dropped from the index
            var store = new Store();
            store.EditIndex(m => m.RemoveAt(3));

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.Provenance));

            // Then
            Assert.Equal(
                [$"linux/arm64: Provenance: no SLSA provenance statement (predicate https://slsa.dev/provenance/…) is attached to its manifest {Short(Arm64)}; expected one whose subject is that manifest. Fix: build with provenance for each platform (BuildxBuildSettings.Provenance = ProvenanceMode.Max, --provenance=mode=max) and push; MergeImages keeps each platform's attestation manifest."],
                result.Problems);
            Assert.Equal([PlatformCheckStatus.Ok, PlatformCheckStatus.AttestationProblem], result.Platforms.Select(p => p.Status));
            Assert.Equal(result.Problems, result.Platforms[1].AttestationFindings);
        }

        [Fact]
        public async Task Should_Find_Nothing_When_Only_The_Sbom_Is_Missing_And_Only_Provenance_Is_Checked()
        {
            // Given: the arm64 attestation manifest holds only its provenance
            var store = new Store();
            var manifest = JsonNode.Parse(store.Blobs[Arm64Attestation])!;
            manifest["layers"]!.AsArray().RemoveAt(0);
            var digest = store.Add(manifest.ToJsonString());
            store.EditIndex(m => m[3]!["digest"] = digest);

            // When
            var provenance = await RunAsync(store, Settings(AttestationCheck.Provenance));
            var sbom = await RunAsync(store, Settings(AttestationCheck.Sbom));

            // Then
            Assert.Empty(provenance.Problems);
            Assert.Equal([$"linux/arm64: Sbom: no SPDX statement (predicate https://spdx.dev/Document) is attached to its manifest {Short(Arm64)}; expected one whose subject is that manifest. Fix: make the SBOM per platform (BuildxBuildSettings.Sbom = true or SbomGenerator, --sbom): BuildKit scans each platform's files and attaches each SBOM to its own manifest."], sbom.Problems);
        }
    }

    public sealed class TheSbomCheck
    {
        [Fact]
        public async Task Should_Say_The_Sbom_Is_For_Another_Platform_When_The_Arm64_Entry_Carries_The_Amd64_Attestation_Manifest()
        {
            // Given: an index composed so that the attestation entry for arm64 is amd64's attestation manifest
            var store = new Store();
            store.EditIndex(m => m[3]!["digest"] = Amd64Attestation);

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.Sbom, AttestationCheck.AttestationSubject));

            // Then: one Sbom finding naming arm64 and the platform the SBOM is about; every subject is in the index
            Assert.Equal(
                [$"linux/arm64: Sbom: the SPDX statement attached to its manifest {Short(Arm64)} is about the linux/amd64 manifest {Short(Amd64)}, not this manifest: SPDX made for another platform. Fix: make the SBOM per platform (BuildxBuildSettings.Sbom = true or SbomGenerator, --sbom): BuildKit scans each platform's files and attaches each SBOM to its own manifest."],
                result.Problems);
            Assert.Equal(PlatformCheckStatus.AttestationProblem, result.Platforms[1].Status);
            Assert.Equal([Amd64], result.Platforms[1].AttestationStatements[0].Subjects);
        }

        [Fact]
        public async Task Should_Say_The_Sbom_Is_Index_Wide_When_One_Statement_Is_About_Every_Platform()
        {
            // Given: one SBOM for the whole image (its subjects both platform manifests), attached to both in place of theirs
            var store = new Store();
            var statement = JsonNode.Parse(store.Blobs[Arm64Sbom])!;
            statement["subject"] = new JsonArray(
                new JsonObject { ["name"] = "amd64", ["digest"] = new JsonObject { ["sha256"] = Amd64["sha256:".Length..] } },
                new JsonObject { ["name"] = "arm64", ["digest"] = new JsonObject { ["sha256"] = Arm64["sha256:".Length..] } });
            var layer = store.Add(statement.ToJsonString());
            string WithWideSbom(string attestation)
            {
                var manifest = JsonNode.Parse(store.Blobs[attestation])!;
                manifest["layers"]![0]!["digest"] = layer;
                manifest["layers"]![0]!["size"] = store.Blobs[layer].Length;
                return store.Add(manifest.ToJsonString());
            }

            var (amd64, arm64) = (WithWideSbom(Amd64Attestation), WithWideSbom(Arm64Attestation));
            store.EditIndex(m => (m[2]!["digest"], m[3]!["digest"]) = (amd64, arm64));

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.Sbom, AttestationCheck.Provenance, AttestationCheck.AttestationSubject));

            // Then: a finding per platform, saying the SBOM is index-wide; provenance and subjects are fine
            const string Fix = "Fix: make the SBOM per platform (BuildxBuildSettings.Sbom = true or SbomGenerator, --sbom): BuildKit scans each platform's files and attaches each SBOM to its own manifest.";
            var about = $"about the linux/amd64 manifest {Short(Amd64)} and the linux/arm64 manifest {Short(Arm64)}";
            Assert.Equal(
                [
                    $"linux/amd64: Sbom: the SPDX statement attached to its manifest {Short(Amd64)} is index-wide ({about}): one SBOM for several platforms says nothing about this platform's own files. {Fix}",
                    $"linux/arm64: Sbom: the SPDX statement attached to its manifest {Short(Arm64)} is index-wide ({about}): one SBOM for several platforms says nothing about this platform's own files. {Fix}",
                ],
                result.Problems);
        }
    }

    public sealed class TheAttestationSubjectCheck
    {
        [Fact]
        public async Task Should_Name_The_Attestation_Manifest_And_The_Digest_When_It_Points_Outside_The_Index()
        {
            // Given: the arm64 platform entry dropped, its attestation manifest kept (a merge that lost a platform)
            var store = new Store();
            store.EditIndex(m => m.RemoveAt(1));
            var settings = Settings(AttestationCheck.AttestationSubject);
            settings.ExpectedPlatforms.RemoveAt(1);

            // When
            var result = await RunAsync(store, settings);

            // Then: the pointer and the statements' subjects are named
            const string Fix = "Fix: compose the index with MergeImages or imagetools create from the platform images (both keep each platform's attestation manifest next to it), or build again.";
            var lists = $"it lists linux/amd64 {Short(Amd64)}";
            Assert.Equal(
                [
                    $"AttestationSubject: the attestation manifest {Short(Arm64Attestation)} points at {Short(Arm64)} (vnd.docker.reference.digest), which is not in the index; {lists}. {Fix}",
                    $"AttestationSubject: the https://spdx.dev/Document statement of the attestation manifest {Short(Arm64Attestation)} is about {Short(Arm64)}, which is not in the index; {lists}. {Fix}",
                    $"AttestationSubject: the https://slsa.dev/provenance/v0.2 statement of the attestation manifest {Short(Arm64Attestation)} is about {Short(Arm64)}, which is not in the index; {lists}. {Fix}",
                ],
                result.Problems);
        }

        [Fact]
        public async Task Should_Say_So_When_An_Attestation_Manifest_Has_No_Reference_Digest()
        {
            // Given
            var store = new Store();
            store.EditIndex(m => m[2]!["annotations"]!.AsObject().Remove("vnd.docker.reference.digest"));

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.AttestationSubject));

            // Then
            Assert.Equal([$"AttestationSubject: the attestation manifest {Short(Amd64Attestation)} has no vnd.docker.reference.digest annotation; expected the digest of the platform manifest it describes. Fix: compose the index with MergeImages or imagetools create from the platform images (both keep each platform's attestation manifest next to it), or build again."], result.Problems);
        }

        [Fact]
        public async Task Should_Report_A_Statement_That_Is_Not_Json()
        {
            // Given: the arm64 SBOM layer replaced by bytes that are not a statement
            var store = new Store();
            var layer = store.Add("not json");
            var manifest = JsonNode.Parse(store.Blobs[Arm64Attestation])!;
            manifest["layers"]![0]!["digest"] = layer;
            var digest = store.Add(manifest.ToJsonString());
            store.EditIndex(m => m[3]!["digest"] = digest);

            // When
            var result = await RunAsync(store, Settings(AttestationCheck.AttestationSubject));

            // Then
            var problem = Assert.Single(result.Problems);
            Assert.StartsWith($"the attestation manifest {Short(digest)} could not be read: its layer {layer} is not an in-toto statement: it is not JSON (", problem, StringComparison.Ordinal);
            Assert.EndsWith("); expected JSON with 'predicateType' and 'subject'.", problem, StringComparison.Ordinal);
        }
    }
}
