using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

public sealed class BuildxBuildResultTests
{
    public sealed class TheParseMethod
    {
        [Theory]
        [InlineData("buildx/meta.json", "sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", "127.0.0.1:5001/tb/hello:1")]
        [InlineData("buildx/meta-nocache.json", "sha256:5e62f01e557f520b4093d4bcb1b93eb95006ab6f1b355a53b0c399d7a9afc1de", "127.0.0.1:5001/tb/hello:1-nocache")]
        [InlineData("buildx/meta-docker-container.json", "sha256:3d71c2ca8ed39a9217ac1f4ac603ad92a99884f4713002cab72b87f88e7014e8", "127.0.0.1:5001/tb/hello-dc:1")]
        public void Should_Read_Digest_Name_And_Index_When_MultiPlatform_Push(string fixture, string digest, string name)
        {
            // Given
            var json = TestPaths.ReadFixture(fixture);

            // When
            var result = BuildxBuildResult.Parse(json, fixture);

            // Then
            Assert.Equal(digest, result.Digest);
            Assert.Equal([name], result.ImageNames);
            Assert.Equal("application/vnd.oci.image.index.v1+json", result.MediaType);
            Assert.True(result.IsIndex);
            Assert.Equal(1607, result.Size);
            Assert.Null(result.BuildRef);
            Assert.Equal(["linux/amd64", "linux/arm64"], result.Platforms.Select(p => p.ToString()));
        }

        [Fact]
        public void Should_Read_A_Manifest_And_Build_Ref_When_Single_Platform()
        {
            // Given
            var json = TestPaths.ReadFixture("buildx-docs-metadata-single-platform.json");

            // When
            var result = BuildxBuildResult.Parse(json, "single.json");

            // Then
            Assert.Equal("sha256:19ffeab6f8bc9293ac2c3fdf94ebe28396254c993aea0b5a542cfb02e0883fa3", result.Digest);
            Assert.Equal("application/vnd.oci.image.manifest.v1+json", result.MediaType);
            Assert.False(result.IsIndex);
            Assert.Equal(506, result.Size);
            Assert.Equal("mybuilder/mybuilder0/0fjb6ubs52xx3vygf6fgdl611", result.BuildRef);
            Assert.Empty(result.ImageNames);
            Assert.Empty(result.Platforms);
        }

        [Fact]
        public void Should_Split_Several_Names()
        {
            var json = TestPaths.ReadFixture("buildx/meta.json").Replace("\"127.0.0.1:5001/tb/hello:1\"", "\"127.0.0.1:5001/tb/hello:1,127.0.0.1:5001/tb/hello:latest\"", StringComparison.Ordinal);
            var result = BuildxBuildResult.Parse(json, "meta.json");
            Assert.Equal(["127.0.0.1:5001/tb/hello:1", "127.0.0.1:5001/tb/hello:latest"], result.ImageNames);
        }

        [Theory]
        [InlineData("{ not json", "BuildxBuild: the metadata file 'm.json' is not valid JSON (")]
        [InlineData("[]", "BuildxBuild: the metadata file 'm.json' holds a JSON array; expected the object buildx writes for --metadata-file.")]
        [InlineData("{\"containerimage.digest\": 5}", "BuildxBuild: the metadata file 'm.json' has 'containerimage.digest' as a number; expected a string.")]
        public void Should_Fail_Clearly_When_Invalid(string json, string expectedStart)
        {
            var ex = Assert.Throws<CakeException>(() => BuildxBuildResult.Parse(json, "m.json"));
            Assert.StartsWith(expectedStart, ex.Message);
        }
    }
}
