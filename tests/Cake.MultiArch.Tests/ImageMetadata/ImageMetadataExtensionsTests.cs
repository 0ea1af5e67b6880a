using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.ImageMetadata;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class ImageMetadataExtensionsTests
{
    public sealed class TheWithMetadataMethod
    {
        [Fact]
        public void Should_Add_Tags_Labels_And_Annotations_When_Applied_To_Build_Settings()
        {
            // Given
            using var repo = new GitRepository();
            var sha = repo.Commit();
            repo.Tag("v1.2.3", annotated: true).Checkout("--detach");
            var settings = MetadataBed.Settings("type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}");
            settings.Description = "Demo app";
            settings.AnnotationLevels = AnnotationLevels.Index;
            var metadata = MetadataBed.Run(repo.Path, settings);
            var build = new BuildxBuildSettings { Tags = { "local/app:dev" } };

            // When
            var returned = build.WithMetadata(metadata);

            // Then
            Assert.Same(build, returned);
            Assert.Equal(["local/app:dev", "ghcr.io/acme/app:1.2.3", "ghcr.io/acme/app:1.2", "ghcr.io/acme/app:latest"], build.Tags);
            var expected = new Dictionary<string, string>
            {
                ["org.opencontainers.image.description"] = "Demo app",
                ["org.opencontainers.image.version"] = "1.2.3",
                ["org.opencontainers.image.created"] = "2026-11-28T21:30:15.250Z",
                ["org.opencontainers.image.revision"] = sha,
            };
            Assert.Equal(expected, build.Labels);
            Assert.Equal(expected.ToDictionary(p => "index:" + p.Key, p => p.Value), build.Annotations);
            var cake = MetadataBed.Context(repo.Path);
            var argv = new BuildxBuildRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log).GetArguments(build, new Cake.Core.IO.FilePath("/tmp/m.json")).Render();
            Assert.Equal(
                $"buildx build --annotation \"index:org.opencontainers.image.description=Demo app\" --annotation \"index:org.opencontainers.image.version=1.2.3\" --annotation \"index:org.opencontainers.image.created=2026-11-28T21:30:15.250Z\" --annotation \"index:org.opencontainers.image.revision={sha}\" --label \"org.opencontainers.image.description=Demo app\" --label \"org.opencontainers.image.version=1.2.3\" --label \"org.opencontainers.image.created=2026-11-28T21:30:15.250Z\" --label \"org.opencontainers.image.revision={sha}\" --metadata-file \"/tmp/m.json\" --tag \"local/app:dev\" --tag \"ghcr.io/acme/app:1.2.3\" --tag \"ghcr.io/acme/app:1.2\" --tag \"ghcr.io/acme/app:latest\" \"{repo.Path}\"",
                argv);
        }
    }
}
