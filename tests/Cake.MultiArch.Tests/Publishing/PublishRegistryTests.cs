using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.MergeImages;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.WritePublishRecord;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>PromoteImage and MergeImages against the real docker-registry instances of the RegistryBed (and a proxy in front of them).</summary>
[Collection("registry")]
public sealed class PublishRegistryTests(RegistryBed bed)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<(string Index, string Amd64, string Arm64)> GoodDigestsAsync()
    {
        var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", MediaTypes.OciIndex);
        var manifests = JsonNode.Parse(index)!["manifests"]!.AsArray();
        string Of(string arch) => (string)manifests.First(m => (string?)m!["platform"]!["architecture"] == arch)!["digest"]!;
        return (Digest(index), Of("amd64"), Of("arm64"));
    }

    private async Task<int> BlobCountAsync(string repository, string digest)
    {
        var (_, index) = await bed.GetAsync(bed.Open, $"{repository}/manifests/{digest}", MediaTypes.OciIndex);
        var blobs = new HashSet<string>();
        foreach (var child in JsonNode.Parse(index)!["manifests"]!.AsArray())
        {
            var (_, manifest) = await bed.GetAsync(bed.Open, $"{repository}/manifests/{child!["digest"]}", MediaTypes.OciManifest);
            var node = JsonNode.Parse(manifest)!;
            blobs.Add((string)node["config"]!["digest"]!);
            foreach (var layer in node["layers"]!.AsArray())
            {
                blobs.Add((string)layer!["digest"]!);
            }
        }

        return blobs.Count;
    }

    [Collection("registry")]
    public sealed class ThePromoteImageMethod(RegistryBed bed)
    {
        private readonly PublishRegistryTests _t = new(bed);

        [Fact]
        public async Task Should_Create_A_Tag_Byte_For_Byte_And_Leave_It_Alone_When_Run_Again()
        {
            // Given
            bed.Require();
            var (index, _, _) = await _t.GoodDigestsAsync();
            var tag = "promo-" + Suffix();
            var log = new RecordingLog();
            var settings = new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{index}", Tags = { tag } };

            // When
            var first = new PromoteImageRunner(log.Log).Run(settings);
            var second = new PromoteImageRunner(log.Log).Run(settings);

            // Then
            var change = Assert.Single(first.Tags);
            Assert.Equal(new TagChange($"{bed.Open}/cma/good:{tag}", null, index, TagChangeKind.Created), change);
            Assert.Equal(TagChangeKind.Unchanged, Assert.Single(second.Tags).Kind);
            var (type, bytes) = await bed.GetAsync(bed.Open, $"cma/good/manifests/{tag}", MediaTypes.OciIndex);
            Assert.Equal(MediaTypes.OciIndex, type);
            Assert.Equal(index, Digest(bytes));
            Assert.Contains($"PromoteImage: {bed.Open}/cma/good:{tag}: (none) -> {index} (created)", log.All, StringComparison.Ordinal);
            Assert.Contains($"PromoteImage: {bed.Open}/cma/good:{tag}: {index} -> {index} (unchanged)", log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Move_A_Tag_And_Report_Its_Old_Digest()
        {
            // Given: the tag points at the single arm64 manifest first
            bed.Require();
            var (index, _, arm64) = await _t.GoodDigestsAsync();
            var tag = "move-" + Suffix();
            new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{arm64}", Tags = { tag } });

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Open}/cma/good@{index}", Tags = { $"{bed.Open}/cma/good:{tag}" } });

            // Then
            Assert.Equal(new TagChange($"{bed.Open}/cma/good:{tag}", arm64, index, TagChangeKind.Moved), Assert.Single(result.Tags));
        }

        [Fact]
        public async Task Should_Mount_Every_Blob_When_Promoting_Into_Another_Repository()
        {
            // Given: a proxy that counts the requests the registry sees
            bed.Require();
            var (index, _, _) = await _t.GoodDigestsAsync();
            using var proxy = new RegistryProxy(bed.Open, refuseMount: false);
            var target = "cma/mounted-" + Suffix();

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{proxy.Address}/cma/good@{index}", Tags = { $"{proxy.Address}/{target}:1" } });

            // Then
            var blobs = await _t.BlobCountAsync("cma/good", index);
            Assert.Equal((0, blobs, 0, 3), (result.BlobsPresent, result.BlobsMounted, result.BlobsUploaded, result.ManifestsCopied));
            Assert.True(blobs == proxy.Requests.Count(r => r.StartsWith($"POST /v2/{target}/blobs/uploads/?mount=sha256%3A", StringComparison.Ordinal) && r.EndsWith("&from=cma%2Fgood", StringComparison.Ordinal)), string.Join("\n", proxy.Requests));
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("GET", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
            var (_, bytes) = await bed.GetAsync(bed.Open, $"{target}/manifests/1", MediaTypes.OciIndex);
            Assert.Equal(index, Digest(bytes));
        }

        [Fact]
        public async Task Should_Upload_The_Blobs_When_The_Registry_Refuses_The_Mount()
        {
            // Given
            bed.Require();
            var (index, _, _) = await _t.GoodDigestsAsync();
            using var proxy = new RegistryProxy(bed.Open, refuseMount: true);
            var target = "cma/uploaded-" + Suffix();

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{proxy.Address}/cma/good@{index}", Tags = { $"{proxy.Address}/{target}:1" } });

            // Then
            var blobs = await _t.BlobCountAsync("cma/good", index);
            Assert.Equal((0, 0, blobs), (result.BlobsPresent, result.BlobsMounted, result.BlobsUploaded));
            Assert.Equal(blobs, proxy.Requests.Count(r => r.StartsWith($"PUT /v2/{target}/blobs/uploads/", StringComparison.Ordinal) && r.Contains("digest=sha256%3A", StringComparison.Ordinal)));
            var (_, bytes) = await bed.GetAsync(bed.Open, $"{target}/manifests/1", MediaTypes.OciIndex);
            Assert.Equal(index, Digest(bytes));
            var report = new Cake.MultiArch.Verification.VerifyManifestRunner(new RecordingLog().Log).Run(new Cake.MultiArch.Verification.VerifyManifestSettings { Image = $"{bed.Open}/{target}:1", ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = true });
            Assert.True(report.Passed);
        }

        [Fact]
        public async Task Should_Push_With_The_Credential_On_The_Htpasswd_Registry()
        {
            // Given
            bed.Require();
            var (_, index) = await GetAuthenticatedIndexAsync();
            var tag = "auth-" + Suffix();

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{bed.Authenticated}/cma/good@{index}", Tags = { tag }, Registry = { Username = RegistryBed.User, Password = RegistryBed.Password, UseDockerConfig = false } });

            // Then
            Assert.Equal(TagChangeKind.Created, Assert.Single(result.Tags).Kind);
        }

        [Fact]
        public async Task Should_Fail_Without_The_Secret_When_The_Credential_Is_Wrong()
        {
            // Given
            bed.Require();
            var (_, index) = await GetAuthenticatedIndexAsync();
            var settings = new PromoteImageSettings { Source = $"{bed.Authenticated}/cma/good@{index}", Tags = { "never" }, Registry = { Username = RegistryBed.User, Password = "wrong-pass-0815", UseDockerConfig = false } };

            // When
            var ex = Assert.Throws<CakeException>(() => new PromoteImageRunner(new RecordingLog().Log).Run(settings));

            // Then
            Assert.Equal(
                $"PromoteImage: the source {bed.Authenticated}/cma/good@{index} could not be read; expected a digest the registry has, found: GET http://{bed.Authenticated}/v2/cma/good/manifests/{index} returned 401 Unauthorized: UNAUTHORIZED: authentication required. The credential for '{bed.Authenticated}' (user 'cake') was refused. Push it first (BuildxBuild by digest, or MergeImages).",
                ex.Message);
            Assert.DoesNotContain("wrong-pass-0815", ex.ToString(), StringComparison.Ordinal);
        }

        private async Task<(string Type, string Digest)> GetAuthenticatedIndexAsync()
        {
            using var client = new RegistryClient(new RegistryClientOptions { Credential = new RegistryCredential(RegistryBed.User, RegistryBed.Password) });
            var index = await client.GetManifestAsync(ImageReference.Parse(bed.GoodWithAuth), "oci", None);
            return (index.MediaType, index.Digest);
        }
    }

    [Collection("registry")]
    public sealed class TheMergeImagesMethod(RegistryBed bed)
    {
        private readonly PublishRegistryTests _t = new(bed);

        [Fact]
        public async Task Should_Compose_An_Index_Of_Single_Manifests_Verify_It_And_Tag_It()
        {
            // Given
            bed.Require();
            var (_, amd64, arm64) = await _t.GoodDigestsAsync();
            var tag = "merged-" + Suffix();
            var settings = new MergeImagesSettings
            {
                Repository = $"{bed.Open}/cma/good",
                Images = { arm64, $"{bed.Open}/cma/good@{amd64}" },
                ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
                Annotations = { ["org.opencontainers.image.version"] = "1.0" },
                Tags = { tag },
            };

            // When
            var result = new MergeImagesRunner(new RecordingLog().Log).Run(settings);

            // Then
            var (type, bytes) = await bed.GetAsync(bed.Open, $"cma/good/manifests/{tag}", MediaTypes.OciIndex);
            Assert.Equal(MediaTypes.OciIndex, type);
            Assert.Equal(result.Digest, Digest(bytes));
            var index = JsonNode.Parse(bytes)!;
            Assert.Equal([amd64, arm64], index["manifests"]!.AsArray().Select(m => (string)m!["digest"]!));
            Assert.Equal("1.0", (string?)index["annotations"]!["org.opencontainers.image.version"]);
            Assert.True(result.Verification!.Passed);
            Assert.Equal(TagChangeKind.Created, Assert.Single(result.Promotion!.Tags).Kind);
        }

        [Fact]
        public async Task Should_Keep_Each_Attestation_Beside_Its_Manifest_When_Merging_Records()
        {
            // Given: records as two jobs write them; arm64 carries the attestation of cma/attested
            bed.Require();
            var (_, attestedBytes) = await bed.GetAsync(bed.Open, "cma/attested/manifests/1", MediaTypes.OciIndex);
            var entries = JsonNode.Parse(attestedBytes)!["manifests"]!.AsArray();
            var arm64 = (string)entries.First(m => (string?)m!["platform"]!["architecture"] == "arm64")!["digest"]!;
            var amd64 = (string)entries.First(m => (string?)m!["platform"]!["architecture"] == "amd64")!["digest"]!;
            var attestation = (string)entries.First(m => (string?)m!["platform"]!["architecture"] == "unknown")!["digest"]!;
            using var records = new TempDirectory();
            var repository = $"{bed.Open}/cma/attested";
            var runner = new WritePublishRecordRunner();
            runner.Run(new PublishRecord(repository, "linux/amd64", amd64, null, "runner-a", DateTimeOffset.UtcNow), records.Path);
            runner.Run(new PublishRecord(repository, "linux/arm64", arm64, attestation, "runner-b", DateTimeOffset.UtcNow), records.Path);

            // When
            var result = new MergeImagesRunner(new RecordingLog().Log).Run(new MergeImagesSettings { Repository = repository, RecordsDirectory = records.Path, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = false });

            // Then
            var (_, bytes) = await bed.GetAsync(bed.Open, $"cma/attested/manifests/{result.Digest}", MediaTypes.OciIndex);
            var merged = JsonNode.Parse(bytes)!["manifests"]!.AsArray();
            Assert.Equal([amd64, arm64, attestation], merged.Select(m => (string)m!["digest"]!));
            Assert.Equal(arm64, (string?)merged[2]!["annotations"]!["vnd.docker.reference.digest"]);
            Assert.Equal("attestation-manifest", (string?)merged[2]!["annotations"]!["vnd.docker.reference.type"]);
            Assert.Equal(["provenance"], result.Verification!.Platforms.Single(p => p.Platform == "linux/arm64").Attestations);
            Assert.Equal([new PushedPlatform("linux/amd64", amd64, null), new PushedPlatform("linux/arm64", arm64, attestation)], result.Platforms);
        }

        [Fact]
        public async Task Should_Take_An_Index_Input_As_Is_Without_Rewrapping()
        {
            // Given
            bed.Require();
            var (_, attestedBytes) = await bed.GetAsync(bed.Open, "cma/attested/manifests/1", MediaTypes.OciIndex);

            // When
            var result = new MergeImagesRunner(new RecordingLog().Log).Run(new MergeImagesSettings { Repository = $"{bed.Open}/cma/attested", Images = { Digest(attestedBytes) }, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = false });

            // Then: the same descriptors, platform by platform, each attestation after its manifest
            var (_, bytes) = await bed.GetAsync(bed.Open, $"cma/attested/manifests/{result.Digest}", MediaTypes.OciIndex);
            var original = JsonNode.Parse(attestedBytes)!["manifests"]!.AsArray().Select(n => n!.ToJsonString()).ToArray();
            var merged = JsonNode.Parse(bytes)!["manifests"]!.AsArray().Select(n => n!.ToJsonString()).ToArray();
            Assert.Equal(original.Order(StringComparer.Ordinal), merged.Order(StringComparer.Ordinal));
        }

        public static TheoryData<string> Failures => new() { "missing", "duplicate", "foreign", "unknown-digest" };

        [Theory]
        [MemberData(nameof(Failures))]
        public async Task Should_Fail_With_A_Clear_Message_And_Write_Nothing_When_The_Records_Are_Wrong(string failure)
        {
            // Given
            bed.Require();
            var (_, amd64, arm64) = await _t.GoodDigestsAsync();
            using var proxy = new RegistryProxy(bed.Open, refuseMount: false);
            var repository = $"{proxy.Address}/cma/good";
            using var records = new TempDirectory();
            void Write(string name, string repo, string platform, string digest) =>
                File.WriteAllText(records.Combine(name), new PublishRecord(repo, platform, digest, null, "b", DateTimeOffset.UnixEpoch).ToJson());
            Write("linux-amd64.json", repository, "linux/amd64", amd64);
            var unknown = "sha256:" + new string('0', 64);
            var expected = failure switch
            {
                "missing" => $"MergeImages: no record holds platform 'linux/arm64' in '{records.Path}'; expected one record for each of linux/amd64,linux/arm64. Check that the linux/arm64 job ran and uploaded its record.",
                "duplicate" => $"MergeImages: the records '{records.Combine("arm64-a.json")}' and '{records.Combine("arm64-b.json")}' both hold platform 'linux/arm64'; expected one record per platform. Remove the stale one (a re-run job writes a new record).",
                "foreign" => $"MergeImages: the record '{records.Combine("linux-arm64.json")}' is for repository '{proxy.Address}/cma/other'; expected '{repository}'. Remove it from the records folder, or merge it into its own repository.",
                _ => $"MergeImages: {repository}@{unknown} (from '{records.Combine("linux-arm64.json")}') could not be read; expected its digest to be in the registry, found: GET http://{repository.Split('/')[0]}/v2/cma/good/manifests/{unknown} returned 404 Not Found: MANIFEST_UNKNOWN: manifest unknown. Check the repository and tag of '{repository}@{unknown}'. Nothing was written.",
            };
            switch (failure)
            {
                case "duplicate":
                    Write("arm64-a.json", repository, "linux/arm64", arm64);
                    Write("arm64-b.json", repository, "linux/arm64", arm64);
                    break;
                case "foreign":
                    Write("linux-arm64.json", $"{proxy.Address}/cma/other", "linux/arm64", arm64);
                    break;
                case "unknown-digest":
                    Write("linux-arm64.json", repository, "linux/arm64", unknown);
                    break;
            }

            var settings = new MergeImagesSettings { Repository = repository, RecordsDirectory = records.Path, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Tags = { "never-" + failure } };

            // When
            var ex = Assert.Throws<CakeException>(() => new MergeImagesRunner(new RecordingLog().Log).Run(settings));

            // Then
            Assert.Equal(expected, ex.Message);
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal) || r.StartsWith("POST", StringComparison.Ordinal));
        }
    }
}
