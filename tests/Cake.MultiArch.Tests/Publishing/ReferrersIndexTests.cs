using System.Text;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>The referrers tag schema of distribution-spec 1.1 (spec.md, "Referrers Tag Schema" and "Pushing Manifests with Subject").</summary>
public sealed class ReferrersIndexTests
{
    public sealed class TheTagMethod
    {
        // The spec's own table mapping subject digests to referrers tags
        // (opencontainers/distribution-spec, spec.md, "Referrers Tag Schema").
        [Theory]
        [InlineData("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
        [InlineData("sha512:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sha512-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
        [InlineData("test+algorithm+using+algorithm+separators+and+lots+of+characters+to+excercise+overall+truncation:alsoSome=InTheEncodedSectionToShowHyphenReplacementAndLotsAndLotsOfCharactersToExcerciseEncodedTruncation", "test-algorithm-using-algorithm-s-alsoSome-InTheEncodedSectionToShowHyphenReplacementAndLotsAndLot")]
        public void Should_Name_The_Tag_As_The_Spec_Table_Does(string digest, string tag)
        {
            // Given / When
            var actual = ReferrersIndex.Tag(digest);

            // Then
            Assert.Equal(tag, actual);
        }
    }

    public sealed class TheDescriptorOfMethod
    {
        [Theory]
        [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/vnd.example.sbom.v1\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\"},\"annotations\":{\"a\":\"1\"}}", MediaTypes.OciManifest, "application/vnd.example.sbom.v1", "{\"a\":\"1\"}")]
        [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\"}}", MediaTypes.OciManifest, "application/vnd.dev.cosign.artifact.sig.v1+json", null)]
        [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"\",\"config\":{\"mediaType\":\"application/vnd.example.config\"}}", MediaTypes.OciManifest, "application/vnd.example.config", null)]
        [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"b\":\"2\"}}", MediaTypes.OciIndex, null, "{\"b\":\"2\"}")]
        public void Should_Take_The_ArtifactType_And_Annotations_The_Spec_Names(string json, string mediaType, string? artifactType, string? annotations)
        {
            // Given
            var bytes = Encoding.UTF8.GetBytes(json);
            var referrer = new ManifestResult(mediaType, RegistryClient.Sha256(bytes), bytes);

            // When
            var descriptor = ReferrersIndex.DescriptorOf(referrer);

            // Then
            Assert.Equal(mediaType, descriptor["mediaType"]!.GetValue<string>());
            Assert.Equal(referrer.Digest, descriptor["digest"]!.GetValue<string>());
            Assert.Equal(bytes.Length, descriptor["size"]!.GetValue<int>());
            Assert.Equal(artifactType, descriptor["artifactType"]?.GetValue<string>());
            Assert.Equal(annotations, descriptor["annotations"]?.ToJsonString());
        }
    }

    public sealed class TheMergeMethod
    {
        private static readonly string AText = $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"sha256:{new string('a', 64)}\",\"size\":1}}";
        private static readonly string BText = $"{{\"mediaType\":\"{MediaTypes.OciManifest}\",\"digest\":\"sha256:{new string('b', 64)}\",\"size\":2,\"artifactType\":\"application/vnd.example+json\"}}";
        private static readonly JsonObject A = JsonNode.Parse(AText)!.AsObject();
        private static readonly JsonObject B = JsonNode.Parse(BText)!.AsObject();

        [Fact]
        public void Should_Begin_With_An_Empty_Index_When_The_Tag_Does_Not_Exist()
        {
            // Given / When
            var merged = ReferrersIndex.Merge(null, [A], "the tag");

            // Then
            Assert.Equal($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{AText}]}}", Encoding.UTF8.GetString(merged!));
        }

        [Fact]
        public void Should_Keep_Every_Entry_And_Field_And_Add_No_Duplicate()
        {
            // Given: someone else's list with a field of its own
            var existing = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{AText}],\"annotations\":{{\"x\":\"y\"}}}}");

            // When
            var merged = ReferrersIndex.Merge(existing, [A, B], "the tag");
            var unchanged = ReferrersIndex.Merge(merged, [B, A], "the tag");

            // Then
            Assert.Equal($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciIndex}\",\"manifests\":[{AText},{BText}],\"annotations\":{{\"x\":\"y\"}}}}", Encoding.UTF8.GetString(merged!));
            Assert.Null(unchanged);
        }

        [Theory]
        [InlineData("{\"schemaVersion\":2}", "the tag has no 'manifests' list; expected the image index of the referrers tag schema (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema).")]
        [InlineData("[1]", "the tag is not a JSON object; expected an OCI manifest or index (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#referrers-tag-schema).")]
        public void Should_Refuse_A_List_That_Is_Not_An_Index(string json, string message)
        {
            // Given / When
            var ex = Assert.Throws<CakeException>(() => ReferrersIndex.Merge(Encoding.UTF8.GetBytes(json), [A], "the tag"));

            // Then
            Assert.Equal(message, ex.Message);
        }
    }
}
