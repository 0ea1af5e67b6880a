using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

public sealed class EnsureBuilderPlanTests
{
    public sealed class TheProblemsMethod
    {
        [Fact]
        public void Should_Report_The_Remote_Endpoint_And_The_Lock_Timeout_When_Both_Are_Wrong()
        {
            // Given
            using var folder = new TempDirectory();
            var cake = new TestCakeContext(folder.Path);
            var settings = new EnsureBuilderSettings { Name = "multiarch", Driver = BuilderDriver.Remote, LockTimeout = TimeSpan.FromSeconds(-1) };

            // When
            var problems = EnsureBuilderPlan.Problems(settings, cake.FileSystem, cake.Environment);

            // Then
            Assert.Equal(
                [
                    "Endpoint is not set, and the remote driver needs one (such as 'tcp://buildkitd:1234' or 'unix:///run/buildkit/buildkitd.sock').",
                    "LockTimeout is -00:00:01; expected zero or more (how long to wait for another run creating the same builder).",
                ],
                problems);
        }

        [Fact]
        public void Should_Report_Nothing_When_The_Settings_Name_A_Docker_Container_Builder()
        {
            // Given
            using var folder = new TempDirectory();
            var cake = new TestCakeContext(folder.Path);
            var settings = new EnsureBuilderSettings { Name = "multiarch" };

            // When
            var problems = EnsureBuilderPlan.Problems(settings, cake.FileSystem, cake.Environment);

            // Then
            Assert.Empty(problems);
        }
    }

    public sealed class TheDifferencesMethod
    {
        [Theory]
        [InlineData("host", "--debug", "")]
        [InlineData("host", "--debug --allow-insecure-entitlement network.host", "")]
        [InlineData(null, "--debug", "BuildKit daemon flags are '--debug --allow-insecure-entitlement=network.host', the settings want '--debug'")]
        [InlineData("host", "--debug --oci-worker-gc=false", "BuildKit daemon flags are '--debug --allow-insecure-entitlement=network.host', the settings want '--debug --oci-worker-gc=false'")]
        public void Should_Ignore_The_Entitlement_Buildx_Adds_For_The_Host_Network_Only(string? network, string flags, string expected)
        {
            // Given: buildx 0.13.1's inspect of a docker-container builder created with network=host and --buildkitd-flags '--debug'
            var builder = Cake.MultiArch.Docker.BuildxInspectParser.Parse(TestPaths.ReadOutput("drivers/buildx-inspect-docker-container-host-flags.txt"));
            var settings = new EnsureBuilderSettings { Name = builder.Name, BuildkitdFlags = flags };
            settings.DriverOptions["image"] = "cake-multiarch/buildkit:engine";
            if (network is not null)
            {
                settings.DriverOptions["network"] = network;
            }

            // When
            var differences = BuilderDifferences.Differences(settings, builder);

            // Then
            Assert.Equal(expected.Length == 0 ? [] : [expected], differences.Where(d => d.StartsWith("BuildKit", StringComparison.Ordinal)));
        }
    }
}
