using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using NSubstitute;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>The deep-check settings, through the runner.</summary>
public sealed class DeepSettingsTests
{
    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Refuse_An_Unknown_Check_Id_Before_Any_Request()
        {
            // Given
            var client = Substitute.For<IRegistryClient>();
            var log = new RecordingLog();
            var settings = new VerifyManifestSettings { Image = "127.0.0.1:5001/tb/hello:1", Deep = true, ExpectedPlatforms = { "linux/arm64" }, DisabledDeepChecks = { "loader" } };

            // When
            var ex = Assert.Throws<CakeException>(() => new VerifyManifestRunner(log.Log, _ => client).Run(settings));

            // Then
            Assert.Equal("VerifyManifest: DisabledDeepChecks lists 'loader', which is not a deep check; expected one of 'ElfMachine', 'Entrypoint', 'Interpreter', 'NeededLibraries', 'ArmFloatAbi', 'ArmArch'.", ex.Message);
            Assert.Empty(client.ReceivedCalls());
            Assert.Equal(["loader"], settings.DisabledDeepChecks);
        }
    }
}
