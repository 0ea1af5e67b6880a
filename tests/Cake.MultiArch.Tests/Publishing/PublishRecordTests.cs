using Cake.Core;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.WritePublishRecord;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>The JSON record a per-platform job writes and the merge job reads.</summary>
public sealed class PublishRecordTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public sealed class TheParseMethod
    {
        [Fact]
        public void Should_Read_Back_What_WritePublishRecord_Wrote()
        {
            // Given
            using var dir = new TempDirectory();
            var record = new PublishRecord("127.0.0.1:5000/team/app", "linux/arm/v7", Digest, null, "default", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

            // When
            var file = new WritePublishRecordRunner().Run(record, dir.Path);
            var read = PublishRecord.Parse(File.ReadAllText(file.FullPath), file.FullPath);

            // Then
            Assert.Equal(dir.Combine("linux-arm-v7.json"), file.FullPath);
            Assert.Equal(record, read);
        }

        [Theory]
        [InlineData("not json", "it is not valid JSON (")]
        [InlineData("{\"kind\":\"something-else\"}", "its 'kind' is 'something-else', not 'cake-multiarch/publish-record/v1'")]
        [InlineData("{\"kind\":\"cake-multiarch/publish-record/v1\",\"repository\":\"r.example.com/app:1\",\"platform\":\"linux/amd64\",\"digest\":\"" + Digest + "\"}", "its 'repository' is 'r.example.com/app:1', not a repository such as 'registry.example.com/team/app'")]
        [InlineData("{\"kind\":\"cake-multiarch/publish-record/v1\",\"repository\":\"r.example.com/app\",\"platform\":\"linux/amd64\",\"digest\":\"sha256:abc\"}", "its 'digest' is 'sha256:abc', not 'sha256:' and 64 hex digits")]
        public void Should_Name_The_File_When_It_Is_Not_A_Record(string json, string why)
        {
            // When
            var ex = Assert.Throws<CakeException>(() => PublishRecord.Parse(json, "/records/linux-amd64.json"));

            // Then
            Assert.StartsWith($"MergeImages: the record '/records/linux-amd64.json' is not a publish record: {why}", ex.Message, StringComparison.Ordinal);
            Assert.EndsWith("expected the JSON that Publish-Platform (WritePublishRecord) writes. Remove the file from the records folder, or write it again.", ex.Message, StringComparison.Ordinal);
        }
    }
}
