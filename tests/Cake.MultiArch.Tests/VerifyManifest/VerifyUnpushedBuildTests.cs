using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>
/// A build that was only loaded or exported has nothing in a registry: verifying it says so before any
/// request, instead of passing on the registry's bare 404 (the red-team residue of issue 16).
/// </summary>
public sealed class VerifyUnpushedBuildTests
{
    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Say_The_Build_Was_Never_Pushed_Before_Any_Request_When_It_Was_Only_Loaded()
        {
            // Given: a real BuildxBuild run (fake docker replaying buildx's metadata) that loads, not pushes
            using var harness = new BuildxHarness();
            var build = harness.Run(harness.NewSettings().WithPlatform("linux/amd64").WithTag("127.0.0.1:5001/app/loaded:1").WithLoad());
            var requests = 0;
            var runner = new VerifyManifestRunner(new RecordingLog().Log, _ =>
            {
                requests++;
                throw new InvalidOperationException("no registry client may be made for a build that was never pushed");
            });

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run(build, new VerifyManifestSettings()));

            // Then
            Assert.Equal(
                $"VerifyManifest: the build result {build} was never pushed (the build loaded or exported it), so no registry serves it; expected a pushed build. Push it (BuildxBuildSettings.Push, or an image output with Push), or verify a pushed image by name (VerifyManifestSettings.Image).",
                ex.Message);
            Assert.Equal(0, requests);
        }

        [Fact]
        public void Should_Verify_A_Pushed_Build_By_Its_Name_And_Digest()
        {
            // Given: the same build, pushed
            using var harness = new BuildxHarness();
            var build = harness.Run(harness.NewSettings().WithPlatform("linux/amd64").WithTag("127.0.0.1:5001/app/pushed:1").WithPush());
            ImageReference? asked = null;
            var runner = new VerifyManifestRunner(new RecordingLog().Log, settings =>
            {
                asked = ImageReference.Parse(build.ImageNames[0]);
                throw new CakeException("stop here: the target was accepted");
            });

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run(build, new VerifyManifestSettings()));

            // Then: the plan accepted the pushed build and a client was asked for
            Assert.Contains("stop here: the target was accepted", ex.Message, StringComparison.Ordinal);
            Assert.NotNull(asked);
        }
    }
}
