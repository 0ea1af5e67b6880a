using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild;

public sealed class BuildxBuildPlanTests
{
    public sealed class TheProblemsMethod
    {
        [Fact]
        public void Should_Report_Every_Problem_At_Once_When_Several_Settings_Are_Wrong()
        {
            // Given
            using var folder = new TempDirectory();
            folder.WriteFile("Dockerfile", "FROM scratch\n");
            var cake = new TestCakeContext(folder.Path);
            var settings = new BuildxBuildSettings { Context = folder.Path, ShmSize = "lots", Call = "run" }.WithPush();

            // When
            var problems = new BuildxBuildPlan(settings, cake.FileSystem, cake.Environment).Problems();

            // Then
            Assert.Equal(
                [
                    "Push is set but there is nothing to push to: Tags is empty and no image output has a name. Add a tag (WithTag(\"registry.example.com/app:1.0\")) or an image output with a name.",
                    "ShmSize 'lots' is not a size; expected a number with an optional unit b, k, m or g, such as '2g'.",
                    "Call 'run' is not a frontend method; expected 'build', 'check', 'outline' or 'targets'.",
                ],
                problems);
        }

        [Fact]
        public void Should_Report_Nothing_When_The_Settings_Can_Be_Built()
        {
            // Given
            using var folder = new TempDirectory();
            folder.WriteFile("Dockerfile", "FROM scratch\n");
            var cake = new TestCakeContext(folder.Path);
            var settings = new BuildxBuildSettings { Context = folder.Path }.WithTag("registry.example.com/app:1.0").WithPush();

            // When
            var problems = new BuildxBuildPlan(settings, cake.FileSystem, cake.Environment).Problems();

            // Then
            Assert.Empty(problems);
        }
    }

    public sealed class TheArgumentsMethod
    {
        [Fact]
        public void Should_Render_The_Metadata_File_And_The_Context_When_Nothing_Else_Is_Set()
        {
            // Given
            using var folder = new TempDirectory();
            var cake = new TestCakeContext(folder.Path);
            var settings = new BuildxBuildSettings { Context = "." };

            // When
            var args = new BuildxBuildPlan(settings, cake.FileSystem, cake.Environment).Arguments(new FilePath("/tmp/m.json"), defaultProgress: null).Render();

            // Then
            Assert.Equal($"buildx build --metadata-file \"/tmp/m.json\" \"{new DirectoryPath(folder.Path).FullPath}\"", args);
        }
    }
}
