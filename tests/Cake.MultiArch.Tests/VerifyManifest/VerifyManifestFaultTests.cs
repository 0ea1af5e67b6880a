using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using NSubstitute;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>
/// VerifyManifest end to end (real RegistryClient, real HTTP) against <see cref="FaultRegistry"/>:
/// build results, settings reuse, every image of VerifyManifests, malformed indexes and
/// registries that fail part way. Each failing case asserts the message and an upper bound on time.
/// </summary>
public sealed class VerifyManifestFaultTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly byte[] Amd64Layer = FaultRegistry.Layer(File.ReadAllBytes("/bin/sh"));
    private static readonly byte[] ScriptLayer = FaultRegistry.Layer("#!/bin/sh\necho hello\n"u8.ToArray());
    private readonly FaultRegistry _registry = new();
    private readonly RecordingLog _log = new();

    private VerifyManifestRunner Runner => new(Substitute.For<IFileSystem>(), Substitute.For<ICakeEnvironment>(), Substitute.For<IProcessRunner>(), Substitute.For<IToolLocator>(), _log.Log);

    private string Image(string repositoryAndTag) => $"{_registry.Host}/{repositoryAndTag}";

    private (string Index, string[] Manifests) PushTwoPlatforms(string repository, string tag = "1") =>
        _registry.PushImage(repository, tag, ("amd64", Amd64Layer), ("arm64", ScriptLayer));

    private static VerifyManifestSettings Settings(string? image, params string[] platforms)
    {
        var settings = new VerifyManifestSettings { Image = image, Registry = { UseDockerConfig = false, RequestTimeout = TimeSpan.FromSeconds(3), MaxAttempts = 2 } };
        foreach (var platform in platforms)
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        return settings;
    }

    /// <summary>buildx's real metadata file, pointed at an image of the fault registry; <paramref name="buildx013"/> drops the buildinfo keys as buildx 0.13 does.</summary>
    private BuildxBuildResult Build(string name, string digest, bool buildx013, params string[] requested)
    {
        var metadata = JsonNode.Parse(TestPaths.ReadFixture("buildx/meta.json"))!.AsObject();
        metadata["containerimage.digest"] = digest;
        metadata["containerimage.descriptor"]!["digest"] = digest;
        metadata["image.name"] = name;
        if (buildx013)
        {
            foreach (var key in metadata.Select(p => p.Key).Where(k => k.StartsWith("containerimage.buildinfo/", StringComparison.Ordinal)).ToArray())
            {
                metadata.Remove(key);
            }
        }

        return BuildxBuildResult.Parse(metadata.ToJsonString(), "meta.json", requested.Select(Platform.Parse));
    }

    public void Dispose() => _registry.Dispose();

    public sealed class TheBuildResultOverload : IDisposable
    {
        private readonly VerifyManifestFaultTests _t = new();

        public void Dispose() => _t.Dispose();

        [Fact]
        public void Should_Verify_Each_Result_When_One_Settings_Object_Is_Reused()
        {
            // Given: two pushed images, the second without arm64, and one settings object
            var good = _t.PushTwoPlatforms("reuse/good");
            var partial = _t._registry.PushImage("reuse/partial", "1", ("amd64", Amd64Layer));
            var settings = new VerifyManifestSettings { Deep = true, DisabledDeepChecks = { DeepCheck.Entrypoint, DeepCheck.Interpreter, DeepCheck.NeededLibraries }, Registry = { UseDockerConfig = false } };

            // When
            var first = _t.Runner.Run(_t.Build(_t.Image("reuse/good:1"), good.Index, buildx013: true, "linux/amd64", "linux/arm64"), settings);
            var ex = Assert.Throws<CakeException>(() => _t.Runner.Run(_t.Build(_t.Image("reuse/partial:1"), partial.Index, buildx013: true, "linux/amd64", "linux/arm64"), settings));

            // Then: each result verified; the settings untouched
            Assert.Equal($"{_t._registry.Host}/reuse/good@{good.Index}", first.Image);
            Assert.Equal(
                $"VerifyManifest: {_t._registry.Host}/reuse/partial@{partial.Index} failed 1 check:" + System.Environment.NewLine +
                "  - linux/arm64: not in the index; it has linux/amd64.",
                ex.Message);
            Assert.Null(settings.Image);
            Assert.Empty(settings.ExpectedPlatforms);
        }

        [Fact]
        public void Should_Expect_The_Requested_Platforms_When_Buildx_013_Writes_No_Buildinfo()
        {
            // Given
            var image = _t.PushTwoPlatforms("b013/app");
            var build = _t.Build(_t.Image("b013/app:1"), image.Index, buildx013: true, "linux/amd64", "linux/arm64");
            Assert.Empty(build.Platforms);

            // When
            var report = _t.Runner.Run(build, new VerifyManifestSettings { Deep = true, DisabledDeepChecks = { DeepCheck.Entrypoint, DeepCheck.Interpreter, DeepCheck.NeededLibraries }, Registry = { UseDockerConfig = false } });

            // Then
            Assert.True(report.Passed);
            Assert.Equal(["linux/amd64", "linux/arm64"], report.ExpectedPlatforms.Select(p => p.ToString()));
            Assert.Equal("the build's requested platforms (BuildxBuildResult.RequestedPlatforms)", report.ExpectedPlatformsSource);
            Assert.Contains("VerifyManifest: expecting linux/amd64,linux/arm64 (from the build's requested platforms (BuildxBuildResult.RequestedPlatforms)).", _t._log.Lines.Select(l => l.Text));
        }

        [Fact]
        public void Should_Expect_The_Metadata_Platforms_When_None_Were_Requested()
        {
            // Given: buildx 0.10's metadata, with its buildinfo keys
            var image = _t.PushTwoPlatforms("meta/app");

            // When
            var report = _t.Runner.Run(_t.Build(_t.Image("meta/app:1"), image.Index, buildx013: false), new VerifyManifestSettings { Registry = { UseDockerConfig = false } });

            // Then
            Assert.Equal(["linux/amd64", "linux/arm64"], report.ExpectedPlatforms.Select(p => p.ToString()));
            Assert.Equal("the build's metadata (containerimage.buildinfo keys)", report.ExpectedPlatformsSource);
        }

        [Fact]
        public void Should_Expect_The_Registrys_Platforms_When_The_Build_Names_None()
        {
            // Given
            var image = _t.PushTwoPlatforms("reg/app");

            // When
            var report = _t.Runner.Run(_t.Build(_t.Image("reg/app:1"), image.Index, buildx013: true), new VerifyManifestSettings { Registry = { UseDockerConfig = false } });

            // Then
            Assert.Equal(["linux/amd64", "linux/arm64"], report.ExpectedPlatforms.Select(p => p.ToString()));
            Assert.Equal("the platforms the registry serves (the build result names none)", report.ExpectedPlatformsSource);
            Assert.Contains("VerifyManifest: expecting linux/amd64,linux/arm64 (from the platforms the registry serves (the build result names none)).", _t._log.Lines.Select(l => l.Text));
        }

        [Fact]
        public void Should_Prefer_The_Results_Image_Over_The_Settings_Image()
        {
            // Given
            var image = _t.PushTwoPlatforms("wins/app");
            var settings = new VerifyManifestSettings { Image = _t.Image("wins/other:9"), Registry = { UseDockerConfig = false } };

            // When
            var report = _t.Runner.Run(_t.Build(_t.Image("wins/app:1"), image.Index, buildx013: true, "linux/amd64", "linux/arm64"), settings);

            // Then
            Assert.Equal($"{_t._registry.Host}/wins/app@{image.Index}", report.Image);
            Assert.Contains($"VerifyManifest: the settings' Image '{_t._registry.Host}/wins/other:9' is not used: the build result's {_t._registry.Host}/wins/app@{image.Index} is verified.", _t._log.Lines.Select(l => l.Text));
            Assert.DoesNotContain(_t._registry.Requests, r => r.Path.Contains("/wins/other/", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Refuse_An_Untagged_Build_Before_Any_Request()
        {
            // Given: dockerd's name for an untagged image
            var digest = "sha256:" + new string('a', 64);
            var build = _t.Build("moby-dangling@" + digest, digest, buildx013: true, "linux/amd64");

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner.Run(build, new VerifyManifestSettings { Registry = { UseDockerConfig = false } }));

            // Then
            Assert.Equal($"VerifyManifest: the build result's image.name is 'moby-dangling@{digest}', the name dockerd gives an untagged image, not a pushed one; expected a registry reference. Build with a tag and push (BuildxBuildSettings.Tags and Push = true), or set the name.", ex.Message);
            Assert.Empty(_t._registry.Requests);
        }
    }

    public sealed class TheRunManyMethod : IDisposable
    {
        private readonly VerifyManifestFaultTests _t = new();

        public void Dispose() => _t.Dispose();

        [Fact]
        public async Task Should_Report_Every_Image_When_One_Registry_Request_Fails()
        {
            // Given: a good image, one whose registry answers 503 every time, one without arm64
            _t.PushTwoPlatforms("many/good");
            _t._registry.Fault(r => r.Path.StartsWith("/v2/many/broken/", StringComparison.Ordinal) ? FaultReply.Status(503, "application/json", "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"busy\"}]}"u8.ToArray()) : null);
            _t._registry.PushImage("many/partial", "1", ("amd64", Amd64Layer));
            var images = new[] { _t.Image("many/good:1"), _t.Image("many/broken:1"), _t.Image("many/partial:1") };
            var settings = Settings(null, "linux/amd64", "linux/arm64");

            // When
            var ex = await FaultRegistry.Within(Bound, () => Task.FromResult(Assert.Throws<CakeException>(() => _t.Runner.RunMany(images, settings))));

            // Then
            Assert.Equal(
                "VerifyManifest: 2 of 3 images failed:" + System.Environment.NewLine +
                $"  - {images[1]}: GET http://{_t._registry.Host}/v2/many/broken/manifests/1 returned 503 Service Unavailable: UNAVAILABLE: busy." + System.Environment.NewLine +
                $"  - {images[2]}: linux/arm64: not in the index; it has linux/amd64." + System.Environment.NewLine +
                $"Passed: {images[0]}.",
                ex.Message);
            Assert.Contains(_t._log.Lines, l => l.Level == Cake.Core.Diagnostics.LogLevel.Error && l.Text == $"VerifyManifest: {images[1]} could not be verified: GET http://{_t._registry.Host}/v2/many/broken/manifests/1 returned 503 Service Unavailable: UNAVAILABLE: busy.");
        }

        [Fact]
        public async Task Should_Return_A_Failed_Report_For_A_Silent_Registry_And_The_Others_Passed()
        {
            // Given
            _t.PushTwoPlatforms("quiet/good");
            _t._registry.Fault(r => r.Path.StartsWith("/v2/quiet/silent/", StringComparison.Ordinal) ? FaultReply.Silent : null);
            var settings = Settings(null, "linux/amd64", "linux/arm64");
            settings.Registry.RequestTimeout = TimeSpan.FromSeconds(2);

            // When
            var reports = await FaultRegistry.Within(Bound, () => _t.Runner.RunManyAsync([_t.Image("quiet/silent:1"), _t.Image("quiet/good:1")], settings, cancellationToken: TestContext.Current.CancellationToken));

            // Then
            Assert.Equal([false, true], reports.Select(r => r.Passed));
            Assert.Equal($"GET http://{_t._registry.Host}/v2/quiet/silent/manifests/1 (manifest '1') timed out for {_t._registry.Host}; expected an answer within 2 s (RequestTimeout; 2 s per try), found none after 1 attempt. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", Assert.Single(reports[0].Problems));
        }
    }

    public sealed class TheRunMethod : IDisposable
    {
        private readonly VerifyManifestFaultTests _t = new();

        public void Dispose() => _t.Dispose();

        [Fact]
        public void Should_Fail_An_Index_Listing_A_Platform_Twice()
        {
            // Given: the real index shape with two arm64 entries
            var first = _t._registry.PushManifest("twice/app", "arm64", ScriptLayer);
            var second = _t._registry.PushManifest("twice/app", "arm64", FaultRegistry.Layer("#!/bin/sh\necho other\n"u8.ToArray()));
            var index = JsonNode.Parse(TestPaths.ReadFixture("registry/podman-oci-index.json"))!;
            index["manifests"]![0]!["digest"] = first.Digest;
            index["manifests"]![0]!["size"] = first.Size;
            index["manifests"]![0]!["platform"]!["architecture"] = "arm64";
            index["manifests"]![1]!["digest"] = second.Digest;
            index["manifests"]![1]!["size"] = second.Size;
            _t._registry.PutManifest("twice/app", "1", MediaTypes.OciIndex, Encoding.UTF8.GetBytes(index.ToJsonString()));

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner.Run(Settings(_t.Image("twice/app:1"), "linux/arm64")));

            // Then
            Assert.Equal(
                $"VerifyManifest: {_t.Image("twice/app:1")} failed 1 check:" + System.Environment.NewLine +
                $"  - linux/arm64: the index lists it 2 times ({first.Digest}, {second.Digest}); expected each platform once. A client pulls the first and never the others: push the index again with each platform once.",
                ex.Message);
        }

        [Fact]
        public void Should_Name_The_First_Digests_And_Count_The_Rest_When_An_Index_Lists_A_Platform_999_Times()
        {
            // Given: an index of 999 arm64 entries (the red-team case that made a 73 KB message)
            var first = _t._registry.PushManifest("many/app", "arm64", ScriptLayer);
            var second = _t._registry.PushManifest("many/app", "arm64", FaultRegistry.Layer("#!/bin/sh\necho other\n"u8.ToArray()));
            var digests = Enumerable.Range(0, 999).Select(i => i % 2 == 0 ? first : second).ToArray();
            var entries = string.Join(",", digests.Select(d => $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{d.Digest}\",\"size\":{d.Size},\"platform\":{{\"architecture\":\"arm64\",\"os\":\"linux\"}}}}"));
            _t._registry.PutManifest("many/app", "1", MediaTypes.OciIndex, Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{entries}]}}"));

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner.Run(Settings(_t.Image("many/app:1"), "linux/arm64")));

            // Then: five digests, then a count
            Assert.Equal(
                $"VerifyManifest: {_t.Image("many/app:1")} failed 1 check:" + System.Environment.NewLine +
                $"  - linux/arm64: the index lists it 999 times ({first.Digest}, {second.Digest}, {first.Digest}, {second.Digest}, {first.Digest} and 994 more); expected each platform once. A client pulls the first and never the others: push the index again with each platform once.",
                ex.Message);
        }

        [Theory]
        [InlineData("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":758,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}", "the index entry #1 (linux/arm64) has no digest; expected 'sha256:' followed by 64 hex digits. The index is malformed: push it again.")]
        [InlineData("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":null,\"size\":758,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}", "the index entry #1 (linux/arm64) has no digest; expected 'sha256:' followed by 64 hex digits. The index is malformed: push it again.")]
        [InlineData("{\"digest\":\"../../../v2/_catalog\",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}", "the index entry #1 (linux/arm64) has the digest '../../../v2/_catalog'; expected 'sha256:' followed by 64 hex digits. The index is malformed: push it again.")]
        public void Should_Name_An_Index_Entry_Without_A_Usable_Digest(string entry, string problem)
        {
            // Given
            _t._registry.PutManifest("nodigest/app", "1", MediaTypes.OciIndex, Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{entry}]}}"));

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner.Run(Settings(_t.Image("nodigest/app:1"), "linux/arm64")));

            // Then
            Assert.Equal(
                $"VerifyManifest: {_t.Image("nodigest/app:1")} failed 2 checks:" + System.Environment.NewLine +
                "  - " + problem + System.Environment.NewLine +
                "  - linux/arm64: not in the index; it has no platforms.",
                ex.Message);
            Assert.Single(_t._registry.Requests);
        }

        [Theory]
        [InlineData("", "is not valid JSON for an image index (")]
        [InlineData("{", "is not valid JSON for an image index (")]
        [InlineData("[]", "is not valid JSON for an image index (")]
        [InlineData("\"index\"", "is not valid JSON for an image index (")]
        [InlineData("{\"manifests\":\"all\"}", "is not valid JSON for an image index (")]
        [InlineData("{\"schemaVersion\":\"2\",\"manifests\":[]}", "is not valid JSON for an image index (")]
        [InlineData("{\"manifests\":[{\"digest\":5}]}", "is not valid JSON for an image index (")]
        [InlineData("{\"manifests\":[{\"platform\":[]}]}", "is not valid JSON for an image index (")]
        [InlineData("{\"manifests\":[{\"annotations\":{\"a\":1}}]}", "is not valid JSON for an image index (")]
        [InlineData("null", "is JSON null; expected an image index object (https://github.com/opencontainers/image-spec/blob/main/image-index.md).")]
        [InlineData("{\"manifests\":null}", "has no 'manifests' list (it is missing or null); expected an array of descriptors (https://github.com/opencontainers/image-spec/blob/main/image-index.md).")]
        [InlineData("{\"manifests\":[null]}", "has a null entry #1 in 'manifests'; expected a descriptor object (https://github.com/opencontainers/image-spec/blob/main/image-index.md).")]
        public async Task Should_Name_The_Index_When_Its_Json_Is_Not_An_Index(string body, string fragment)
        {
            // Given: served as an OCI index
            var bytes = Encoding.UTF8.GetBytes(body);
            var digest = _t._registry.PutManifest("badjson/app", "1", MediaTypes.OciIndex, bytes);

            // When
            var ex = await FaultRegistry.Within(Bound, () => Task.FromResult(Assert.Throws<CakeException>(() => _t.Runner.Run(Settings(_t.Image("badjson/app:1"), "linux/arm64")))));

            // Then
            Assert.StartsWith($"VerifyManifest: {_t.Image("badjson/app:1")} could not be verified: the index {digest} {fragment}", ex.Message);
            if (fragment.EndsWith('('))
            {
                Assert.EndsWith("); expected the format of https://github.com/opencontainers/image-spec/blob/main/image-index.md.", ex.Message);
            }
        }

        [Theory]
        [InlineData("{\"schemaVersion\":2,\"config\":null,\"layers\":[]}", "has no 'config' with a digest (it is missing, null or has no digest); expected a descriptor of the image config (https://github.com/opencontainers/image-spec/blob/main/manifest.md).")]
        [InlineData("{\"schemaVersion\":2,\"layers\":[]}", "has no 'config' with a digest (it is missing, null or has no digest); expected a descriptor of the image config (https://github.com/opencontainers/image-spec/blob/main/manifest.md).")]
        [InlineData("{\"schemaVersion\":2,\"config\":{\"size\":5},\"layers\":[]}", "has no 'config' with a digest (it is missing, null or has no digest); expected a descriptor of the image config (https://github.com/opencontainers/image-spec/blob/main/manifest.md).")]
        [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab\"},\"layers\":[{\"size\":1}]}", "has a layer #1 without a digest; expected 'sha256:' followed by 64 hex digits (https://github.com/opencontainers/image-spec/blob/main/manifest.md).")]
        [InlineData("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:dfe46a2d22a9247ddcc95051bd1777994bf6cc8abf0e94779046432e29a8b0ab\"},\"layers\":null}", "has 'layers': null; expected an array of layer descriptors (https://github.com/opencontainers/image-spec/blob/main/manifest.md).")]
        public async Task Should_Name_The_Platform_When_Its_Manifest_Is_Malformed(string manifest, string fragment)
        {
            // Given: a good amd64 entry and an arm64 entry whose manifest is malformed
            var amd64 = _t._registry.PushManifest("badman/app", "amd64", Amd64Layer);
            var bytes = Encoding.UTF8.GetBytes(manifest);
            var arm64 = _t._registry.PutManifest("badman/app", null, MediaTypes.OciManifest, bytes);
            var index = JsonNode.Parse(TestPaths.ReadFixture("registry/podman-oci-index.json"))!;
            index["manifests"]![0]!["digest"] = amd64.Digest;
            index["manifests"]![1]!["digest"] = arm64;
            _t._registry.PutManifest("badman/app", "1", MediaTypes.OciIndex, Encoding.UTF8.GetBytes(index.ToJsonString()));

            // When
            var report = await _t.Runner.RunAsync(Settings(_t.Image("badman/app:1"), "linux/amd64", "linux/arm64"), TestContext.Current.CancellationToken);

            // Then
            Assert.Equal([PlatformCheckStatus.Ok, PlatformCheckStatus.Unreadable], report.Platforms.Select(p => p.Status));
            Assert.Equal($"linux/arm64: the manifest {arm64} {fragment}", Assert.Single(report.Problems));
        }

        [Fact]
        public async Task Should_Check_The_Other_Platforms_When_One_Platforms_Manifest_Never_Comes()
        {
            // Given: the arm64 manifest's address is silent
            var image = _t.PushTwoPlatforms("slow/app");
            _t._registry.Fault(r => r.Path.EndsWith(image.Manifests[1], StringComparison.Ordinal) ? FaultReply.Silent : null);
            var settings = Settings(_t.Image("slow/app:1"), "linux/amd64", "linux/arm64");
            settings.Registry.RequestTimeout = TimeSpan.FromSeconds(2);

            // When
            var report = await FaultRegistry.Within(Bound, () => _t.Runner.RunAsync(settings, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal([PlatformCheckStatus.Ok, PlatformCheckStatus.Unreadable], report.Platforms.Select(p => p.Status));
            Assert.Equal($"linux/arm64: GET http://{_t._registry.Host}/v2/slow/app/manifests/{image.Manifests[1]} (manifest '{image.Manifests[1]}') timed out for {_t._registry.Host}; expected an answer within 2 s (RequestTimeout; 2 s per try), found none after 1 attempt. Check that {_t._registry.Host} is up and serves the registry API, or raise RequestTimeout.", Assert.Single(report.Problems));
        }

        [Fact]
        public async Task Should_Name_A_Truncated_Gzip_Layer()
        {
            // Given: a layer whose gzip stream is cut in half (its digest is of the cut bytes, so only the layer is damaged)
            var cut = Amd64Layer[..(Amd64Layer.Length / 2)];
            var manifest = _t._registry.PushManifest("cut/app", "amd64", cut, tag: "1");
            var settings = Settings(_t.Image("cut/app:1"), "linux/amd64");
            settings.Deep = true;
            DisableStartChecks(settings);

            // When
            var report = await FaultRegistry.Within(Bound, () => _t.Runner.RunAsync(settings, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal(PlatformCheckStatus.Unreadable, Assert.Single(report.Platforms).Status);
            Assert.Matches($"^linux/amd64: the layer {FaultRegistry.Digest(cut)} \\(application/vnd\\.oci\\.image\\.layer\\.v1\\.tar\\+gzip\\) could not be read \\((EndOfStreamException|InvalidDataException): .+\\); expected a complete layer\\. The registry holds a damaged blob: push the image again\\.$", Assert.Single(report.Problems));
            Assert.NotNull(manifest.Digest);
        }

        [Fact]
        public async Task Should_Name_A_Stalled_Layer_With_Its_Platform()
        {
            // Given
            var image = _t.PushTwoPlatforms("stall/app");
            var layer = FaultRegistry.Digest(Amd64Layer);
            _t._registry.Fault(r => r.Path.EndsWith(layer, StringComparison.Ordinal) ? FaultReply.Stalled("application/octet-stream", Amd64Layer, 1000) : null);
            var settings = Settings(_t.Image("stall/app:1"), "linux/amd64", "linux/arm64");
            settings.Deep = true;
            DisableStartChecks(settings);
            settings.Registry.ReadIdleTimeout = TimeSpan.FromSeconds(1);

            // When
            var ex = await FaultRegistry.Within(Bound, () => Task.FromResult(Assert.Throws<CakeException>(() => _t.Runner.Run(settings))));

            // Then
            Assert.Equal(
                $"VerifyManifest: {_t.Image("stall/app:1")} failed 1 check:" + System.Environment.NewLine +
                $"  - linux/amd64: GET http://{_t._registry.Host}/v2/stall/app/blobs/{layer} stalled: no bytes for 1 s (ReadIdleTimeout) after 1000 bytes. Check that the registry is up, or raise ReadIdleTimeout.",
                ex.Message);
            Assert.NotEmpty(image.Manifests);
        }
    }

    /// <summary>
    /// The fault registry's synthetic images hold ELF files but no loader or entry point: these
    /// tests are about transport and reporting, so deep mode's start-ability checks are off.
    /// </summary>
    private static void DisableStartChecks(VerifyManifestSettings settings)
    {
        settings.DisabledDeepChecks.Add(DeepCheck.Entrypoint);
        settings.DisabledDeepChecks.Add(DeepCheck.Interpreter);
        settings.DisabledDeepChecks.Add(DeepCheck.NeededLibraries);
    }
}
