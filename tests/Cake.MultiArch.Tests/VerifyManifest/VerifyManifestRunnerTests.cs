using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest;
using NSubstitute;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>VerifyManifest's checks over a substitute registry serving the real buildx and podman JSON.</summary>
public sealed class VerifyManifestRunnerTests
{
    private static readonly byte[] BuildxIndex = File.ReadAllBytes(TestPaths.Fixture("buildx/imagetools-inspect-raw.json"));
    private static readonly byte[] Arm64Manifest = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-manifest-arm64.json"));
    private static readonly byte[] Arm64Config = File.ReadAllBytes(TestPaths.Fixture("registry/podman-oci-config-arm64.json"));

    private static (VerifyManifestRunner Runner, IRegistryClient Client, RecordingLog Log) Runner(byte[] top, string topType)
    {
        var client = Substitute.For<IRegistryClient>();
        client.GetManifestAsync(Arg.Any<ImageReference>(), "1", Arg.Any<CancellationToken>()).Returns(new ManifestResult(topType, "sha256:" + new string('a', 64), top));
        client.GetManifestAsync(Arg.Any<ImageReference>(), Arg.Is<string>(d => d.StartsWith("sha256:", StringComparison.Ordinal)), Arg.Any<CancellationToken>())
            .Returns(call => new ManifestResult(MediaTypes.OciManifest, call.ArgAt<string>(1), Arm64Manifest));
        client.GetBlobAsync(Arg.Any<ImageReference>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Arm64Config);
        var log = new RecordingLog();
        return (new VerifyManifestRunner(log.Log, _ => client), client, log);
    }

    private static VerifyManifestSettings Settings(params string[] platforms)
    {
        var settings = new VerifyManifestSettings { Image = "127.0.0.1:5001/tb/hello:1" };
        foreach (var p in platforms)
        {
            settings.ExpectedPlatforms.Add(p);
        }

        return settings;
    }

    [Fact]
    public async Task Should_Skip_Attestation_Entries_And_Compare_Each_Config()
    {
        // Given: buildx's real index (two platforms, two attestation manifests); every platform
        // manifest served is podman's arm64 one, so the amd64 entry's config disagrees.
        var (runner, _, log) = Runner(BuildxIndex, MediaTypes.OciIndex);

        // When
        var report = await runner.RunAsync(Settings("linux/amd64", "linux/arm64/v8"), TestContext.Current.CancellationToken);

        // Then
        Assert.Equal(2, report.AttestationManifests);
        Assert.Equal([PlatformCheckStatus.ConfigMismatch, PlatformCheckStatus.Ok], report.Platforms.Select(p => p.Status));
        Assert.Equal(["linux/amd64: the image config declares 'linux/arm64', not linux/amd64 (the index entry and the image disagree)."], report.Problems);
        Assert.Contains(log.Lines, l => l.Text.Contains("2 attestation manifest(s) skipped", StringComparison.Ordinal));
        // Each platform has its attestation manifest (vnd.docker.reference.digest); the substitute
        // serves one without an in-toto predicate annotation, so its kind is plain "attestation".
        Assert.Equal(["attestation"], report.Platforms[0].Attestations);
        Assert.Equal(["attestation"], report.Platforms[1].Attestations);
    }

    [Fact]
    public void Should_Throw_Listing_Every_Problem()
    {
        var (runner, _, _) = Runner(BuildxIndex, MediaTypes.OciIndex);
        var ex = Assert.Throws<CakeException>(() => runner.Run(Settings("linux/amd64", "linux/arm64", "linux/riscv64", "linux/arm/v7")));
        Assert.Equal(
            "VerifyManifest: 127.0.0.1:5001/tb/hello:1 failed 3 checks:" + System.Environment.NewLine +
            "  - linux/amd64: the image config declares 'linux/arm64', not linux/amd64 (the index entry and the image disagree)." + System.Environment.NewLine +
            "  - linux/riscv64: not in the index; it has linux/amd64,linux/arm64." + System.Environment.NewLine +
            "  - linux/arm/v7: not in the index; it has linux/amd64,linux/arm64.",
            ex.Message);
    }

    [Fact]
    public async Task Should_Allow_Unexpected_Platforms_Unless_Strict()
    {
        var (runner, _, _) = Runner(File.ReadAllBytes(TestPaths.Fixture("registry/podman-docker-manifest-list.json")), MediaTypes.DockerManifestList);
        var lenient = await runner.RunAsync(Settings("linux/arm64"), TestContext.Current.CancellationToken);
        Assert.True(lenient.Passed);
        Assert.Equal(PlatformCheckStatus.Unexpected, lenient.Platforms.Single(p => p.Platform.Architecture == "amd64").Status);

        var settings = Settings("linux/arm64");
        settings.Strict = true;
        var strict = await runner.RunAsync(settings, TestContext.Current.CancellationToken);
        Assert.Equal(["linux/amd64: in the index but not expected (Strict)."], strict.Problems);
    }

    [Fact]
    public async Task Should_Print_A_Readable_Report_And_Platform_Line()
    {
        // Given
        var (runner, _, _) = Runner(BuildxIndex, MediaTypes.OciIndex);

        // When
        var report = await runner.RunAsync(Settings("linux/amd64", "linux/arm64"), TestContext.Current.CancellationToken);

        // Then: no System.Collections.Generic.List… in the text
        var amd64 = report.Platforms[0].Digest;
        var arm64 = report.Platforms[1].Digest;
        Assert.Equal($"127.0.0.1:5001/tb/hello:1 → sha256:{new string('a', 64)}: 1 problem (linux/amd64 ConfigMismatch, linux/arm64 Ok)", report.ToString());
        Assert.Equal($"linux/amd64 ConfigMismatch {amd64}", report.Platforms[0].ToString());
        Assert.Equal($"linux/arm64 Ok {arm64}", report.Platforms[1].ToString());
        Assert.Equal("ExpectedPlatforms", report.ExpectedPlatformsSource);
    }

    [Theory]
    [InlineData(null, "linux/amd64", null, null, "VerifyManifest: Image is not set; expected a reference such as 'registry.example.com/team/app:1.0', or pass the BuildxBuildResult.")]
    [InlineData("Reg.example.com/Team/App", "linux/amd64", null, null, "VerifyManifest: Image is invalid: Image reference 'Reg.example.com/Team/App' has upper-case letters in its repository 'Team/App'; repository names must be lower-case.")]
    [InlineData("r.example.com/app:1", null, null, null, "VerifyManifest: ExpectedPlatforms is empty; list the platforms the image must serve, such as linux/amd64 and linux/arm64.")]
    [InlineData("r.example.com/app:1", "linux/amd64", "ci", null, "VerifyManifest: Username and Password go together; set both or neither.")]
    public void Should_Refuse_Bad_Settings_Before_Any_Request(string? image, string? platform, string? user, string? password, string expected)
    {
        var (runner, client, _) = Runner(BuildxIndex, MediaTypes.OciIndex);
        var settings = new VerifyManifestSettings { Image = image, Registry = { Username = user, Password = password } };
        if (platform is not null)
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        var ex = Assert.Throws<CakeException>(() => runner.Run(settings));
        Assert.Equal(expected, ex.Message);
        Assert.Empty(client.ReceivedCalls());
    }
}
