using Cake.MultiArch.Tests.Docs;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The preflight example of docs/aliases/CheckDockerfile.md (its <c>```cake</c> block: the lint task and the build that
/// stops on any finding), run by the real <c>dotnet cake</c> on the real engine with the test
/// bed's two-platform base image in place of registry.example.com's.
/// </summary>
public sealed class ReadmePreflightExampleTests
{
    private const string BaseImage = "127.0.0.1:5000/testbed/busybox:1";

    [Fact]
    public async Task Should_Lint_And_Build_With_The_Readme_Preflight_Example()
    {
        // Given
        await RequireTestBedAsync();
        var block = Assert.Single(DocBlocks.Read("docs/aliases/CheckDockerfile.md", "cake"));
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", $"ARG BASE={BaseImage}\nFROM ${{BASE}}\nARG TARGETARCH\nRUN echo \"$TARGETARCH\" > /arch\n");
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = dir.WriteFile("lint.cake", $"#r \"{addin}\"\n" + block.Replace("registry.example.com/base:2", BaseImage, StringComparison.Ordinal) + "\nRunTarget(\"Lint\");\n");

        // When
        var (exitCode, output) = TestBed.RunIn(TimeSpan.FromMinutes(6), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "tool", "run", "dotnet-cake", script);

        // Then: the build passed its preflight (the base serves both platforms) and ran, and the lint task reported no finding.
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"BuildxBuild: done in [0-9.]+s", output);
        Assert.Matches(@"Build summary: 2 platforms", output);
        Assert.DoesNotContain("BaseImagePlatformMissing", output, StringComparison.Ordinal);
        Assert.Contains("Lint", output, StringComparison.Ordinal);
    }

    private static async Task RequireTestBedAsync()
    {
        var (code, output) = TestBed.Run("docker", "buildx", "version");
        if (code != 0)
        {
            TestPaths.SkipOrFail("docker with the buildx plugin is not available (tests/testbed/setup.sh installs and starts it): " + output.Trim());
        }

        try
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync("http://127.0.0.1:5000/v2/testbed/busybox/manifests/1", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                TestPaths.SkipOrFail($"the test bed's registry has no {BaseImage} (tests/testbed/setup.sh pushes it)");
            }
        }
        catch (HttpRequestException ex)
        {
            TestPaths.SkipOrFail($"the test bed's registry does not answer at 127.0.0.1:5000 ({ex.Message}); run tests/testbed/setup.sh");
        }
    }
}
