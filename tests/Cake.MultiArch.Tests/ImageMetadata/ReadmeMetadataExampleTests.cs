using Cake.MultiArch.Tests.Docs;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>The ImageMetadata example of docs/aliases/ImageMetadata.md, run by the real dotnet cake in a real git repository tagged v1.4.2 (docker is a fake).</summary>
public sealed class ReadmeMetadataExampleTests
{
    [Fact]
    public void Should_Build_With_The_Computed_Tags_When_The_Readme_Example_Runs_On_A_Release_Tag()
    {
        // Given
        var block = DocBlocks.Read("docs/aliases/ImageMetadata.md", "csharp")
            .Single(b => b.Contains("ImageMetadata(", StringComparison.Ordinal))
            .Replace("#addin nuget:?package=Cake.MultiArch&version=0.1.0", $"#r \"{Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll")}\"", StringComparison.Ordinal);
        Assert.Contains($"#r \"{Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll")}\"", block, StringComparison.Ordinal);
        using var repo = new GitRepository();
        File.WriteAllText(Path.Combine(repo.Path, "Dockerfile"), BuildxHarness.Dockerfile);
        repo.Git("add", "Dockerfile");
        var sha = repo.Commit("release");
        repo.Tag("v1.4.2", annotated: true).Checkout("--detach");
        File.WriteAllText(Path.Combine(repo.Path, "build.cake"), block);
        using var docker = new FakeDocker();
        using var work = new TempDirectory();
        var metadata = work.WriteFile("meta.json", TestPaths.ReadFixture("buildx/meta.json").Replace("127.0.0.1:5001/tb/hello:1", "registry.example.com/team/app:1.4.2", StringComparison.Ordinal));
        docker.On("buildx build", metadataFixture: metadata);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = docker.BinDir + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["GITHUB_ACTIONS"] = string.Empty,
            ["GITLAB_CI"] = string.Empty,
            ["CI_SERVER"] = string.Empty,
            ["TF_BUILD"] = string.Empty,
        };

        // When
        var (exit, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, environment, "tool", "run", "dotnet-cake", Path.Combine(repo.Path, "build.cake"));

        // Then
        Assert.True(exit == 0, output);
        Assert.Contains("Version 1.4.2", output, StringComparison.Ordinal);
        var build = docker.BuildCall();
        var tags = build.Zip(build.Skip(1)).Where(p => p.First == "--tag").Select(p => p.Second);
        Assert.Equal(["registry.example.com/team/app:1.4.2", "registry.example.com/team/app:1.4", "registry.example.com/team/app:sha-" + sha[..7], "registry.example.com/team/app:latest"], tags);
        Assert.Contains(("--annotation", "index:org.opencontainers.image.description=The team's app"), build.Zip(build.Skip(1)));
        Assert.Contains(("--label", "org.opencontainers.image.revision=" + sha), build.Zip(build.Skip(1)));
    }
}
