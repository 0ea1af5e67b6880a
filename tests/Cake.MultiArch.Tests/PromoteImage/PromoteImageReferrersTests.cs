using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.PromoteImage;

/// <summary>
/// PromoteImage's copy of the OCI referrers against the suite's own registry (FaultRegistry with
/// <see cref="FaultRegistry.AcceptPushes"/>), where the referrers API can be switched on per
/// repository: a source that serves it, a target that does or does not, pages, and a target
/// whose referrers tag is not an index.
/// </summary>
public sealed class PromoteImageReferrersTests
{
    private const string SbomType = "application/vnd.cake-multiarch.test.sbom+json";
    private const string ScanType = "application/vnd.cake-multiarch.test.scan+json";

    public sealed class ThePromoteImageMethod
    {
        [Fact]
        public void Should_Copy_The_Referrers_The_Source_Lists_And_Write_No_Tag_When_The_Target_Serves_The_Api()
        {
            // Given
            using var registry = new FaultRegistry().AcceptPushes("src", "dst");
            var image = Image.Push(registry);
            var log = new RecordingLog();

            // When
            var result = Promote(registry, image, log);

            // Then
            Assert.Equal(3, result.ReferrersCopied);
            Assert.Equal(0, result.SignatureTagsCopied);
            Assert.EndsWith(" uploaded; 3 referrers copied)", result.ToString(), StringComparison.Ordinal);
            Assert.Equal(new[] { image.Sbom, image.Scan }.Order(StringComparer.Ordinal), registry.ReferrersOf("dst", image.Index)["manifests"]!.AsArray().Select(m => m!["digest"]!.GetValue<string>()));
            Assert.Equal(image.Arm64Sbom, Assert.Single(registry.ReferrersOf("dst", image.Arm64)["manifests"]!.AsArray())!["digest"]!.GetValue<string>());
            Assert.Equal(registry.Stored($"/v2/src/manifests/{image.Sbom}"), registry.Stored($"/v2/dst/manifests/{image.Sbom}"));
            Assert.DoesNotContain(registry.Requests, r => r.Method == "PUT" && r.Path.StartsWith("/v2/dst/manifests/sha256-", StringComparison.Ordinal));
            Assert.Contains($"PromoteImage: copied 1 referrer of {image.Arm64} from {registry.Host}/src (listed by the referrers API) to {registry.Host}/dst (listed by its referrers API): {image.Arm64Sbom} ({SbomType})", log.All, StringComparison.Ordinal);
        }

        [Fact]
        public void Should_Write_The_Referrers_Tag_Of_The_Spec_When_Only_The_Source_Serves_The_Api()
        {
            // Given
            using var registry = new FaultRegistry().AcceptPushes("src");
            var image = Image.Push(registry);

            // When
            Promote(registry, image, new RecordingLog());

            // Then: the descriptors the spec asks for (artifactType, the manifest's annotations), in the source's order (its API lists by digest)
            var tag = JsonNode.Parse(registry.Stored($"/v2/dst/manifests/{image.Index.Replace(':', '-')}")!)!;
            Assert.Equal(registry.ReferrersOf("src", image.Index).ToJsonString(), tag.ToJsonString());
            var sbom = Assert.Single(tag["manifests"]!.AsArray(), m => m!["digest"]!.GetValue<string>() == image.Sbom)!;
            Assert.Equal(SbomType, sbom["artifactType"]!.GetValue<string>());
            Assert.Equal("sbom", sbom["annotations"]!["org.example.kind"]!.GetValue<string>());
        }

        [Fact]
        public void Should_Read_Every_Page_Of_The_Referrers_List()
        {
            // Given: the source answers in two pages (Link: <…>; rel="next")
            using var registry = new FaultRegistry();
            var image = Image.Push(registry.AcceptPushes("dst"));
            var all = registry.ReferrersOf("src", image.Index)["manifests"]!.AsArray();
            string Page(int i) => new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray(all[i]!.DeepClone()) }.ToJsonString();
            registry.Fault(r => r.Method == "GET" && r.Path == $"/v2/src/referrers/{image.Index}"
                ? r.Query.Contains("last=", StringComparison.Ordinal)
                    ? FaultReply.Ok(MediaTypes.OciIndex, Encoding.UTF8.GetBytes(Page(1)))
                    : FaultReply.Ok(MediaTypes.OciIndex, Encoding.UTF8.GetBytes(Page(0)), ("Link", $"</v2/src/referrers/{image.Index}?n=1&last=a>; rel=\"next\""))
                : r.Method == "GET" && r.Path.StartsWith("/v2/src/referrers/", StringComparison.Ordinal) ? FaultReply.Ok(MediaTypes.OciIndex, Encoding.UTF8.GetBytes(registry.ReferrersOf("src", r.Path[(r.Path.LastIndexOf('/') + 1)..]).ToJsonString())) : null);

            // When
            var result = Promote(registry, image, new RecordingLog());

            // Then
            Assert.Equal(3, result.ReferrersCopied);
            Assert.NotNull(registry.Stored($"/v2/dst/manifests/{image.Scan}"));
            Assert.Equal(2, registry.Requests.Count(r => r.Path == $"/v2/src/referrers/{image.Index}"));
        }

        [Fact]
        public void Should_Refuse_A_Referrers_Tag_That_Is_Not_An_Index_And_Move_No_Tag()
        {
            // Given: the target's sha256-<hex> tag holds an image manifest
            using var registry = new FaultRegistry().AcceptPushes("src");
            var image = Image.Push(registry);
            var squatter = registry.PushManifest("dst", "amd64", FaultRegistry.Layer([1, 2, 3]), image.Index.Replace(':', '-')).Digest;

            // When
            var ex = Assert.Throws<CakeException>(() => Promote(registry, image, new RecordingLog()));

            // Then
            Assert.Equal($"PromoteImage: the referrers tag {registry.Host}/dst:{image.Index.Replace(':', '-')} holds a {MediaTypes.OciManifest} ({squatter}); expected the image index of the referrers tag schema ({ReferrersIndex.Spec}). Nothing was written to it and no tag was moved: remove or rename that tag, then promote again.", ex.Message);
            Assert.Null(registry.Stored("/v2/dst/manifests/1"));
            Assert.Equal(squatter, FaultRegistry.Digest(registry.Stored($"/v2/dst/manifests/{image.Index.Replace(':', '-')}")!));
        }

        [Fact]
        public void Should_Keep_The_Entries_Someone_Else_Put_In_The_Targets_Referrers_Tag()
        {
            // Given: the target's referrers tag lists an artifact of someone else's
            using var registry = new FaultRegistry().AcceptPushes("src");
            var image = Image.Push(registry);
            var foreign = new JsonObject { ["mediaType"] = MediaTypes.OciManifest, ["digest"] = "sha256:" + new string('f', 64), ["size"] = 9, ["artifactType"] = "application/vnd.someone-else.note" };
            var existing = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray(foreign.DeepClone()) };
            registry.PutManifest("dst", image.Index.Replace(':', '-'), MediaTypes.OciIndex, Encoding.UTF8.GetBytes(existing.ToJsonString()));
            var log = new RecordingLog();

            // When
            Promote(registry, image, log);

            // Then
            var tag = JsonNode.Parse(registry.Stored($"/v2/dst/manifests/{image.Index.Replace(':', '-')}")!)!;
            Assert.Equal([foreign["digest"]!.GetValue<string>(), .. new[] { image.Sbom, image.Scan }.Order(StringComparer.Ordinal)], tag["manifests"]!.AsArray().Select(m => m!["digest"]!.GetValue<string>()));
            Assert.Contains($"(appended to its tag {image.Index.Replace(':', '-')}, 1 entry kept)", log.All, StringComparison.Ordinal);
        }

        private static PromoteImageResult Promote(FaultRegistry registry, Image image, RecordingLog log) =>
            new PromoteImageRunner(log.Log).Run(new PromoteImageSettings { Source = $"{registry.Host}/src@{image.Index}", Tags = { $"{registry.Host}/dst:1" } });
    }

    /// <summary>A two-platform image in <c>src</c> with two referrers on its index and one on its arm64 manifest.</summary>
    private sealed record Image(string Index, string Arm64, string Sbom, string Scan, string Arm64Sbom)
    {
        public static Image Push(FaultRegistry registry)
        {
            var (index, manifests) = registry.PushImage("src", "1", ("amd64", FaultRegistry.Layer([1])), ("arm64", FaultRegistry.Layer([2])));
            var sbom = Attach(registry, index, SbomType, "sbom", "{\"spdxVersion\":\"SPDX-2.3\"}");
            var scan = Attach(registry, index, ScanType, "scan", "{\"findings\":[]}");
            var arm64Sbom = Attach(registry, manifests[1], SbomType, "sbom", "{\"arm64\":true}");
            return new Image(index, manifests[1], sbom, scan, arm64Sbom);
        }

        // An artifact as oras 1.2 pushes one: the empty config, one layer, artifactType, subject, annotations.
        private static string Attach(FaultRegistry registry, string subject, string artifactType, string kind, string content)
        {
            var empty = "{}"u8.ToArray();
            var layer = Encoding.UTF8.GetBytes(content);
            var manifest = new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["artifactType"] = artifactType,
                ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.empty.v1+json", ["digest"] = registry.PutBlob("src", empty), ["size"] = empty.Length },
                ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/json", ["digest"] = registry.PutBlob("src", layer), ["size"] = layer.Length }),
                ["subject"] = new JsonObject { ["mediaType"] = MediaTypes.OciIndex, ["digest"] = subject, ["size"] = 1 },
                ["annotations"] = new JsonObject { ["org.example.kind"] = kind },
            };
            return registry.PutManifest("src", null, MediaTypes.OciManifest, Encoding.UTF8.GetBytes(manifest.ToJsonString()));
        }
    }
}
