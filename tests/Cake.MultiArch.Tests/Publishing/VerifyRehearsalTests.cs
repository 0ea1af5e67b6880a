using Cake.MultiArch.Publishing;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>
/// The verification a pushing build rehearses while docker works (VerifyRehearsal): it must take the
/// path a good image takes, or it compiles the wrong code and saves nothing.
/// </summary>
public sealed class VerifyRehearsalTests
{
    public sealed class TheVerifyAsyncMethod
    {
        [Fact]
        public async Task Should_Pass_For_Both_Platforms_Of_Its_In_Memory_Image()
        {
            // When
            var result = await VerifyRehearsal.VerifyAsync();

            // Then
            Assert.True(result.Passed, string.Join("; ", result.Problems));
            Assert.Equal("rehearsal.invalid/app@" + result.Digest, result.Image);
            Assert.Equal(["linux/amd64", "linux/arm64"], result.Platforms.Select(p => p.Platform.ToString()));
            Assert.All(result.Platforms, p => Assert.Equal(Cake.MultiArch.VerifyManifest.PlatformCheckStatus.Ok, p.Status));
            Assert.Equal(2, result.AttestationManifests);
        }
    }
}
