using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxBuild.Progress;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

/// <summary>Which progress a build asks for and which reader it makes: rawjson unless this buildx refused it (buildx 0.11).</summary>
public sealed class ProgressChoiceTests
{
    public sealed class TheChooseMethod
    {
        [Theory]
        [InlineData(false, "rawjson", nameof(RawJsonProgress))]
        [InlineData(true, null, nameof(PlainProgress))]
        public void Should_Ask_For_RawJson_Unless_This_Buildx_Refused_It(bool refused, string? expectedProgress, string expectedReader)
        {
            // Given: settings that choose no progress
            var settings = new BuildxBuildSettings();

            // When
            var (progress, reader) = ProgressChoice.Choose(settings, [], refused, _ => { });

            // Then
            Assert.Equal(expectedProgress, progress is null ? null : progress.Value.ToString().ToLowerInvariant());
            Assert.Equal(expectedReader, reader?.GetType().Name);
        }

        [Theory]
        [InlineData(BuildProgress.Plain, false, nameof(PlainProgress))]
        [InlineData(BuildProgress.RawJson, false, nameof(RawJsonProgress))]
        [InlineData(BuildProgress.RawJson, true, nameof(RawJsonProgress))]
        [InlineData(BuildProgress.Quiet, false, null)]
        public void Should_Keep_The_Progress_The_Settings_Choose(BuildProgress chosen, bool refused, string? expectedReader)
        {
            // Given
            var settings = new BuildxBuildSettings { Progress = chosen };

            // When
            var (progress, reader) = ProgressChoice.Choose(settings, [], refused, _ => { });

            // Then: the settings' own --progress is rendered by the arguments; no default is added
            Assert.Null(progress);
            Assert.Equal(expectedReader, reader?.GetType().Name);
        }
    }

    public sealed class TheRefusedMethod
    {
        [Fact]
        public void Should_Remember_A_Refusal_Per_Docker_And_Nothing_Without_An_Identity()
        {
            // Given
            var docker = "/usr/bin/docker\0DOCKER_HOST=unix:///" + Guid.NewGuid().ToString("N");

            // When
            ProgressChoice.NoteRefusal(docker);
            ProgressChoice.NoteRefusal(null);

            // Then
            Assert.True(ProgressChoice.Refused(docker));
            Assert.False(ProgressChoice.Refused(docker + "-other"));
            Assert.False(ProgressChoice.Refused(null));
        }
    }
}
