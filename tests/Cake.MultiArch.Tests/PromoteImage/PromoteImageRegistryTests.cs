using Cake.Core;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.Tests.Publishing;

namespace Cake.MultiArch.Tests.PromoteImage;

/// <summary>PromoteImage against the real docker-registry instances of the RegistryBed (and a proxy in front of them).</summary>
public sealed class PromoteImageRegistryTests
{
    [Collection("registry")]
    public sealed class ThePromoteImageMethod(RegistryBed bed)
    {
        private readonly PublishedImages _t = new(bed);

        [Fact]
        public async Task Should_Create_A_Tag_Byte_For_Byte_And_Leave_It_Alone_When_Run_Again()
        {
            // Given
            bed.Require();
            var (index, _, _) = await _t.GoodDigestsAsync();
            var tag = "promo-" + PublishedImages.Suffix();
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
            Assert.Equal(index, PublishedImages.Digest(bytes));
            Assert.Contains($"PromoteImage: {bed.Open}/cma/good:{tag}: (none) -> {index} (created)", log.All, StringComparison.Ordinal);
            Assert.Contains($"PromoteImage: {bed.Open}/cma/good:{tag}: {index} -> {index} (unchanged)", log.All, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_Move_A_Tag_And_Report_Its_Old_Digest()
        {
            // Given: the tag points at the single arm64 manifest first
            bed.Require();
            var (index, _, arm64) = await _t.GoodDigestsAsync();
            var tag = "move-" + PublishedImages.Suffix();
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
            var target = "cma/mounted-" + PublishedImages.Suffix();

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{proxy.Address}/cma/good@{index}", Tags = { $"{proxy.Address}/{target}:1" } });

            // Then
            var blobs = await _t.BlobCountAsync("cma/good", index);
            Assert.Equal((0, blobs, 0, 3), (result.BlobsPresent, result.BlobsMounted, result.BlobsUploaded, result.ManifestsCopied));
            Assert.True(blobs == proxy.Requests.Count(r => r.StartsWith($"POST /v2/{target}/blobs/uploads/?mount=sha256%3A", StringComparison.Ordinal) && r.EndsWith("&from=cma%2Fgood", StringComparison.Ordinal)), string.Join("\n", proxy.Requests));
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
            Assert.DoesNotContain(proxy.Requests, r => r.StartsWith("GET", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
            var (_, bytes) = await bed.GetAsync(bed.Open, $"{target}/manifests/1", MediaTypes.OciIndex);
            Assert.Equal(index, PublishedImages.Digest(bytes));
        }

        [Fact]
        public async Task Should_Upload_The_Blobs_When_The_Registry_Refuses_The_Mount()
        {
            // Given
            bed.Require();
            var (index, _, _) = await _t.GoodDigestsAsync();
            using var proxy = new RegistryProxy(bed.Open, refuseMount: true);
            var target = "cma/uploaded-" + PublishedImages.Suffix();

            // When
            var result = new PromoteImageRunner(new RecordingLog().Log).Run(new PromoteImageSettings { Source = $"{proxy.Address}/cma/good@{index}", Tags = { $"{proxy.Address}/{target}:1" } });

            // Then
            var blobs = await _t.BlobCountAsync("cma/good", index);
            Assert.Equal((0, 0, blobs), (result.BlobsPresent, result.BlobsMounted, result.BlobsUploaded));
            Assert.Equal(blobs, proxy.Requests.Count(r => r.StartsWith($"PUT /v2/{target}/blobs/uploads/", StringComparison.Ordinal) && r.Contains("digest=sha256%3A", StringComparison.Ordinal)));
            var (_, bytes) = await bed.GetAsync(bed.Open, $"{target}/manifests/1", MediaTypes.OciIndex);
            Assert.Equal(index, PublishedImages.Digest(bytes));
            var cake = new TestCakeContext(System.Environment.CurrentDirectory);
            var report = new Cake.MultiArch.VerifyManifest.VerifyManifestRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log).Run(new Cake.MultiArch.VerifyManifest.VerifyManifestSettings { Image = $"{bed.Open}/{target}:1", ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Deep = true });
            Assert.True(report.Passed);
        }

        [Fact]
        public async Task Should_Push_With_The_Credential_On_The_Htpasswd_Registry()
        {
            // Given
            bed.Require();
            var (_, index) = await GetAuthenticatedIndexAsync();
            var tag = "auth-" + PublishedImages.Suffix();

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
            var index = await client.GetManifestAsync(ImageReference.Parse(bed.GoodWithAuth), "oci", PublishedImages.None);
            return (index.MediaType, index.Digest);
        }
    }
}
