using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>The README's examples and recipe.cake, run by the real dotnet cake (kernel state: arm64 registered).</summary>
[Collection("kernel")]
public sealed class ReadmeExampleTests(RegistryBed bed)
{
    [Fact]
    public async Task Should_Run_The_Readme_Quick_Start_And_The_Recipe()
    {
        // Given: the README's csharp blocks, with the #r line pointed at the built addin and a
        // fake docker (no buildx here) first on PATH; arm64 already registered in the real
        // kernel, so RegisterQemu takes its fast path and needs no installer container.
        TestBed.RequireKernel();
        bed.Require();
        new TestCakeContext(Path.GetTempPath()).Context.RegisterQemu(new Cake.MultiArch.Qemu.RegisterQemuSettings { Mode = Cake.MultiArch.Qemu.QemuRegistrationMode.Host, Platforms = { "linux/arm64" } });
        using var docker = new FakeDocker();
        var inspect = TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "multiarch", StringComparison.Ordinal);
        // buildx's metadata, pointed at a real index in the test registry, so VerifyManifest checks real bytes.
        var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", Cake.MultiArch.Registry.MediaTypes.OciIndex);
        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(index));
        using var work = new TempDirectory();
        var metadata = work.Combine("meta.json");
        File.WriteAllText(metadata, TestPaths.ReadFixture("buildx/meta.json")
            .Replace("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", digest, StringComparison.Ordinal)
            .Replace("127.0.0.1:5001/tb/hello:1", bed.Open + "/cma/good:1.0", StringComparison.Ordinal));
        docker.On("buildx inspect multiarch", stdout: inspect).On("buildx use multiarch").On("buildx build", metadataFixture: metadata);
        using var dir = new TempDirectory();
        dir.WriteFile("src/app/Dockerfile", BuildxHarness.Dockerfile);
        dir.WriteFile("Dockerfile", BuildxHarness.Dockerfile);
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var blocks = System.Text.RegularExpressions.Regex.Matches(readme, "```csharp\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Where(m => !m.Groups[1].Value.Contains("ImageMetadata(", StringComparison.Ordinal)) // run by Metadata/ReadmeMetadataExampleTests
            .Select(m => m.Groups[1].Value.Replace("#r \"src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll\"", $"#r \"{addin}\"", StringComparison.Ordinal)
                .Replace("#load \"recipe.cake\"", $"#load \"{Path.Combine(TestPaths.RepositoryRoot, "recipe.cake")}\"", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(2, blocks.Length);
        var quickStart = dir.WriteFile("build.cake", blocks[0]);
        var recipe = dir.WriteFile("recipe-build.cake", blocks[1]);
        var path = docker.BinDir + ":" + Environment.GetEnvironmentVariable("PATH");

        // When
        var (quickExit, quickOutput) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string> { ["PATH"] = path, ["NPM_TOKEN"] = "npm-secret-4711" }, "tool", "run", "dotnet-cake", quickStart, "--target=Publish");
        var (recipeExit, recipeOutput) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string> { ["PATH"] = path }, "tool", "run", "dotnet-cake", recipe, "--target=Publish", "--image=registry.example.com/team/app:1.0", "--platforms=linux/amd64,linux/arm64");

        // Then
        Assert.True(quickExit == 0, quickOutput);
        Assert.Contains($"Pushed {bed.Open}/cma/good:1.0@{digest} (application/vnd.oci.image.index.v1+json)", quickOutput, StringComparison.Ordinal);
        Assert.Contains($"VerifyManifest: {bed.Open}/cma/good@{digest} serves linux/amd64,linux/arm64, binaries checked.", quickOutput, StringComparison.Ordinal);
        Assert.Contains($"VerifyManifest: {bed.Open}/cma/good@{digest} serves linux/amd64,linux/arm64, binaries checked.", recipeOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("npm-secret-4711", quickOutput, StringComparison.Ordinal);
        Assert.True(recipeExit == 0, recipeOutput);
        var calls = docker.Calls;
        Assert.Equal(
            ["buildx inspect multiarch --bootstrap", "buildx use multiarch", "buildx version", "buildx build", "buildx inspect multiarch --bootstrap", "buildx use multiarch", "buildx version", "buildx build"],
            calls.Select(c => string.Join(' ', c.TakeWhile(a => !a.StartsWith("--metadata", StringComparison.Ordinal)).Take(c[1] == "build" ? 2 : 4))));
        Assert.Contains("id=npm,env=NPM_TOKEN", calls[3]);
        Assert.Contains(("--builder", "multiarch"), calls[3].Zip(calls[3].Skip(1)));
        Assert.Equal(["--builder", "multiarch", "--metadata-file"], calls[7].Skip(2).Take(3));
        Assert.Equal(["--platform", "linux/amd64,linux/arm64", "--push", "--tag", "registry.example.com/team/app:1.0", dir.Path], calls[7].Skip(6));
    }

}
