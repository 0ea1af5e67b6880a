using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxBuild.Progress;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

/// <summary>Which progress a build asks for and which reader it makes: the rawjson reader only when buildx 0.12 or later answers.</summary>
public sealed class ProgressChoiceTests
{
    public sealed class TheChooseMethod
    {
        [Theory]
        [InlineData("0.13.1", "rawjson", nameof(RawJsonProgress))]
        [InlineData("0.12.0", "rawjson", nameof(RawJsonProgress))]
        [InlineData("0.11.2", null, nameof(PlainProgress))]
        [InlineData(null, null, nameof(PlainProgress))]
        public void Should_Make_The_RawJson_Reader_Only_When_Buildx_0_12_Or_Later_Answers(string? buildx, string? expectedProgress, string expectedReader)
        {
            // Given: settings that choose no progress, and a buildx that answers this version (null: it could not be read)
            var settings = new BuildxBuildSettings();
            var asked = 0;

            // When
            var (progress, reader) = ProgressChoice.Choose(settings, [], () => { asked++; return buildx is null ? null : Version.Parse(buildx); }, _ => { });

            // Then
            Assert.Equal(expectedProgress, progress is null ? null : progress.Value.ToString().ToLowerInvariant());
            Assert.Equal(expectedReader, reader?.GetType().Name);
            Assert.Equal(1, asked);
        }

        [Theory]
        [InlineData(BuildProgress.Plain, nameof(PlainProgress))]
        [InlineData(BuildProgress.RawJson, nameof(RawJsonProgress))]
        [InlineData(BuildProgress.Quiet, null)]
        public void Should_Not_Ask_Buildx_When_The_Settings_Choose_The_Progress(BuildProgress chosen, string? expectedReader)
        {
            // Given
            var settings = new BuildxBuildSettings { Progress = chosen };
            var asked = 0;

            // When
            var (progress, reader) = ProgressChoice.Choose(settings, [], () => { asked++; return new Version(0, 13, 1); }, _ => { });

            // Then
            Assert.Null(progress);
            Assert.Equal(expectedReader, reader?.GetType().Name);
            Assert.Equal(0, asked);
        }
    }
}
