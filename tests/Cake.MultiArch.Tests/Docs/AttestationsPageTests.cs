using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docs;

/// <summary>
/// The example of docs/attestations.md, run as a whole script by the real <c>dotnet cake</c> on
/// the real engine: only the <c>#addin</c> line (the built addin instead), registry.example.com/team
/// (the test bed's registry) and the scanner (the test bed's) change.
/// </summary>
public sealed class AttestationsPageTests
{
    private const string Registry = TestBedTags.Registry;
    private const string Scanner = "127.0.0.1:5000/cake-multiarch/sbom-scanner:1";

    [Fact]
    public void Should_Build_With_Provenance_And_Sbom_And_Pass_The_Three_Checks_When_The_Page_Is_Copied()
    {
        // Given
        var (code, output) = TestBed.Run("docker", "buildx", "imagetools", "inspect", Scanner);
        if (code != 0)
        {
            TestPaths.SkipOrFail($"the SBOM scanner image {Scanner} is not in the test-bed registry (tests/testbed/setup.sh builds it): {output.Trim()}");
        }

        var suffix = "docs-" + Guid.NewGuid().ToString("N")[..8];
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", AliasPageExamplesTests.Dockerfile);
        var block = Assert.Single(DocBlocks.Read("docs/attestations.md", "csharp"));
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = block
            .Replace("#addin nuget:?package=Cake.MultiArch&version=0.1.0", $"#r \"{addin}\"", StringComparison.Ordinal)
            .Replace("registry.example.com/tools/sbom-scanner:1", Scanner, StringComparison.Ordinal)
            .Replace("registry.example.com/team/", $"{Registry}/{suffix}/", StringComparison.Ordinal);
        Assert.DoesNotContain("registry.example.com", script, StringComparison.Ordinal);
        var file = dir.WriteFile("attestations.cake", script);

        // When
        var (exit, log) = TestBed.RunIn(TimeSpan.FromMinutes(6), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "tool", "run", "dotnet-cake", file);

        // Then: passed with the three checks; each platform's line lists its SBOM and provenance about its own manifest
        Assert.True(exit == 0, log);
        Assert.Matches($@"{Regex.Escape($"{Registry}/{suffix}/app")}@sha256:[0-9a-f]{{64}} serves linux/amd64,linux/arm64, attestations checked \(Provenance, Sbom, AttestationSubject\)\.", log);
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            Assert.Matches($@"{platform}: https://spdx\.dev/Document about (sha256:[0-9a-f]{{64}}); https://slsa\.dev/provenance/v0\.2 about \1", log);
        }
    }
}
