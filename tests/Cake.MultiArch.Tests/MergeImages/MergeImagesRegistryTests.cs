using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.MergeImages;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;
using Cake.MultiArch.WritePublishRecord;

namespace Cake.MultiArch.Tests.MergeImages;

/// <summary>MergeImages against the real docker-registry instances of the RegistryBed (and a proxy in front of them).</summary>
public sealed class MergeImagesRegistryTests
{
    [Collection("registry")]
    public sealed class TheMergeImagesMethod(RegistryBed bed)
    {
        private readonly PublishedImages _t = new(bed);

        [Fact]
        public async Task Should_Compose_An_Index_Of_Single_Manifests_Verify_It_And_Tag_It()
        {
            // Given
            bed.Require();
            var (_, amd64, arm64) = await _t.GoodDigestsAsync();
            var tag = "merged-" + PublishedImages.Suffix();
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
            Assert.Equal(result.Digest, PublishedImages.Digest(bytes));
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
            var result = new MergeImagesRunner(new RecordingLog().Log).Run(new MergeImagesSettings { Repository = $"{bed.Open}/cma/attested", Images = { PublishedImages.Digest(attestedBytes) }, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = false });

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
