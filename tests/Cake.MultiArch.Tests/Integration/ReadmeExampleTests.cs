using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Docs;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The README's csharp blocks (the quick start, the recipe), docs/recipe.md's (the recipe, the
/// recipe used piecemeal) and docs/aliases/BuildxBuild.md's (build args, a registry cache and a
/// secret), run by the real <c>dotnet cake</c> on the real engine (the default builder, QEMU for
/// arm64) against the test bed's registry. Only the package lines change (the built addin instead
/// of <c>#addin</c>/<c>#load nuget:</c>, which the package tests cover) and registry.example.com
/// becomes the test bed's registry.
/// </summary>
public sealed class ReadmeExampleTests
{
    private const string Registry = TestBedTags.Registry;

    // A context that uses what the quick start passes: the VERSION build argument and the npm secret.
    private const string Dockerfile = """
        ARG BASE_IMAGE=127.0.0.1:5000/testbed/busybox:1
        FROM ${BASE_IMAGE}
        ARG VERSION
        RUN --mount=type=secret,id=npm,required=false echo "version ${VERSION} on $(uname -m), npm token: $(cat /run/secrets/npm 2>/dev/null || echo none)" > /app.txt
        CMD ["/bin/cat", "/app.txt"]
        """;

    [Fact]
    public async Task Should_Run_Every_Readme_And_Recipe_Block_On_The_Engine()
    {
        // Given
        await RequireTestBedAsync();
        var readme = DocBlocks.Read("README.md", "csharp");
        var recipePage = DocBlocks.Read("docs/recipe.md", "csharp");
        var buildPage = DocBlocks.Read("docs/aliases/BuildxBuild.md", "csharp");
        Assert.Equal(2, readme.Length);
        Assert.Equal(2, recipePage.Length);
        Assert.Single(buildPage);
        Assert.Equal(readme[1], recipePage[0]); // docs/recipe.md repeats the README's recipe, word for word
        var suffix = "readme-" + Guid.NewGuid().ToString("N")[..8];
        var pageSuffix = "docs-build-" + Guid.NewGuid().ToString("N")[..8];
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        string Adapt(string block, string repositoryPrefix) => block
            .Replace("#addin nuget:?package=Cake.MultiArch&version=0.1.0", $"#r \"{addin}\"", StringComparison.Ordinal)
            .Replace("#load nuget:?package=Cake.MultiArch.Recipe&version=0.1.0", $"#r \"{addin}\"\n#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"", StringComparison.Ordinal)
            .Replace("registry.example.com/team/", $"{Registry}/{repositoryPrefix}/", StringComparison.Ordinal);
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", Dockerfile);
        dir.WriteFile("Dockerfile", Dockerfile);
        var quickStart = dir.WriteFile("quick-start.cake", Adapt(readme[0], suffix));
        var recipe = dir.WriteFile("recipe-build.cake", Adapt(readme[1], suffix));
        var piecemeal = dir.WriteFile("piecemeal.cake", Adapt(recipePage[1], suffix));
        var buildExample = dir.WriteFile("build-example.cake", Adapt(buildPage[0], pageSuffix));
        const string token = "npm-secret-4711-readme";
        var environment = new Dictionary<string, string> { ["NPM_TOKEN"] = token };
        var timeout = TimeSpan.FromMinutes(8);

        // When
        var (quickExit, quickOutput) = TestBed.RunIn(timeout, "dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", quickStart, "--target=Publish", "--verbosity=diagnostic");
        var (buildExit, buildOutput) = TestBed.RunIn(timeout, "dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", buildExample, "--target=Publish", "--verbosity=diagnostic");
        var (recipeExit, recipeOutput) = TestBed.RunIn(timeout, "dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", recipe, "--target=Publish", $"--image={Registry}/{suffix}/recipe:1.0", "--tags=latest");
        var (pieceExit, pieceOutput) = TestBed.RunIn(timeout, "dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", piecemeal);

        // Then: the quick start pushed both platforms, summarised them, verified them deep, and no
        // log line (at diagnostic verbosity) holds the secret.
        Assert.True(quickExit == 0, quickOutput);
        var pushed = Regex.Match(quickOutput, $@"Pushed {Regex.Escape($"{Registry}/{suffix}/app:1.0")}@(sha256:[0-9a-f]{{64}}) \(application/vnd\.oci\.image\.index\.v1\+json\)");
        Assert.True(pushed.Success, quickOutput);
        var digest = pushed.Groups[1].Value;
        Assert.Equal(digest, await TestBedTags.DigestAsync($"{suffix}/app", "1.0"));
        Assert.Contains($"VerifyManifest: {Registry}/{suffix}/app@{digest} serves linux/amd64,linux/arm64, binaries checked.", quickOutput, StringComparison.Ordinal);
        Assert.Matches(@"Build summary: 2 platforms", quickOutput);
        Assert.DoesNotContain(token, quickOutput, StringComparison.Ordinal);

        // BuildxBuild's page (build args, the registry cache, the npm secret) did the same, filled
        // the cache, and no log line (at diagnostic verbosity) holds the secret.
        Assert.True(buildExit == 0, buildOutput);
        var buildPushed = Regex.Match(buildOutput, $@"Pushed {Regex.Escape($"{Registry}/{pageSuffix}/app:1.0")}@(sha256:[0-9a-f]{{64}}) \(application/vnd\.oci\.image\.index\.v1\+json\)");
        Assert.True(buildPushed.Success, buildOutput);
        var buildDigest = buildPushed.Groups[1].Value;
        Assert.Equal(buildDigest, await TestBedTags.DigestAsync($"{pageSuffix}/app", "1.0"));
        Assert.NotNull(await TestBedTags.DigestAsync($"{pageSuffix}/app", "buildcache"));
        Assert.Contains($"VerifyManifest: {Registry}/{pageSuffix}/app@{buildDigest} serves linux/amd64,linux/arm64, binaries checked.", buildOutput, StringComparison.Ordinal);
        Assert.Matches(@"Build summary: 2 platforms", buildOutput);
        Assert.DoesNotContain(token, buildOutput, StringComparison.Ordinal);

        // The recipe tagged 1.0 and latest only after verifying the digest it pushed.
        Assert.True(recipeExit == 0, recipeOutput);
        var recipeDigest = await TestBedTags.DigestAsync($"{suffix}/recipe", "1.0");
        Assert.NotNull(recipeDigest);
        Assert.Equal(recipeDigest, await TestBedTags.DigestAsync($"{suffix}/recipe", "latest"));
        Assert.Contains($"VerifyManifest: {Registry}/{suffix}/recipe@{recipeDigest} serves linux/amd64,linux/arm64, binaries checked.", recipeOutput, StringComparison.Ordinal);
        Assert.True(recipeOutput.IndexOf("MultiArch-Verify", StringComparison.Ordinal) < recipeOutput.IndexOf("PromoteImage:", StringComparison.Ordinal), recipeOutput);

        // Piecemeal: the recipe's build task ran inside the script's own task; nothing was tagged.
        Assert.True(pieceExit == 0, pieceOutput);
        Assert.Matches($@"Pushed by digest: {Regex.Escape($"{Registry}/{suffix}/app")}@sha256:[0-9a-f]{{64}}", pieceOutput);
        Assert.DoesNotContain("PromoteImage:", pieceOutput, StringComparison.Ordinal);
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
            if (await TestBedTags.DigestAsync("testbed/busybox", "1") is null)
            {
                TestPaths.SkipOrFail($"the test bed's registry at {Registry} has no base image testbed/busybox:1 (tests/testbed/setup.sh pushes it)");
            }
        }
        catch (HttpRequestException ex)
        {
            TestPaths.SkipOrFail($"the test bed's registry does not answer at {Registry} ({ex.Message}); run tests/testbed/setup.sh");
        }
    }
}
