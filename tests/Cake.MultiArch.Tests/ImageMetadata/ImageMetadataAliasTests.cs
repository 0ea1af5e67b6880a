using Cake.Core.Diagnostics;
using Cake.MultiArch.ImageMetadata;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class ImageMetadataAliasTests
{
    public sealed class TheImageMetadataMethod
    {
        [Fact]
        public void Should_Log_The_Tags_When_Called_On_A_Cake_Context()
        {
            // Given
            using var repo = new GitRepository();
            var sha = repo.Commit();
            repo.Checkout("-b", "feature/login");
            var cake = MetadataBed.Context(repo.Path);
            var settings = new ImageMetadataSettings { Images = { "ghcr.io/acme/app" }, Tags = { TagRule.BranchName(), TagRule.Sha() }, Timestamp = MetadataBed.Now };

            // When
            var result = cake.Context.ImageMetadata(settings);

            // Then
            Assert.Equal(["ghcr.io/acme/app:feature-login", "ghcr.io/acme/app:sha-" + sha[..7]], result.Tags);
            Assert.Contains((LogLevel.Information, $"ImageMetadata: Local ref 'refs/heads/feature/login', sha '{sha}': version 'feature-login', tags: ghcr.io/acme/app:feature-login, ghcr.io/acme/app:sha-{sha[..7]}"), cake.Log.Lines);
            Assert.Equal($"version 'feature-login'; tags [ghcr.io/acme/app:feature-login, ghcr.io/acme/app:sha-{sha[..7]}]; 3 labels; 3 annotations", result.ToString());
        }
    }
}
