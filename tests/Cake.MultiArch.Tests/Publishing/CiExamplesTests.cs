using System.Text.RegularExpressions;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Docs;
using Cake.MultiArch.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>
/// examples/ci: the GitHub Actions workflow and the GitLab CI file parse, have a matrix of native
/// runners plus a merge job, name only targets recipe.cake defines, lower-case the image name they
/// build from the repository's path (run by bash, for an owner with capitals), and run a build.cake
/// that loads the recipe from its package with a pinned version.
/// </summary>
public sealed class CiExamplesTests
{
    private static readonly string Recipe = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "recipe.cake"));

    private static YamlMappingNode Load(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(TestPaths.RepositoryRoot, "examples", "ci", file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static IEnumerable<string> Targets(IEnumerable<string> commands) =>
        commands.SelectMany(c => Regex.Matches(c, @"dotnet cake --target=([\w-]+)").Select(m => m.Groups[1].Value));

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode q => q.Children.SelectMany(Scalars),
        YamlMappingNode m => m.Children.Values.SelectMany(Scalars),
        _ => [],
    };

    [Fact]
    public void Should_Run_A_Platform_Matrix_And_A_Merge_Job_In_GitHub_Actions()
    {
        // Given
        var workflow = Load("github-actions.yml");

        // When
        var platform = At(workflow, "jobs", "platform");
        var merge = At(workflow, "jobs", "merge");

        // Then
        var platforms = ((YamlSequenceNode)At(platform, "strategy", "matrix", "include")).Children.Select(e => Scalars(At(e, "platform")).Single());
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);
        Assert.Equal("platform", Scalars(At(merge, "needs")).Single());
        Assert.Equal(["Publish-Platform"], Targets(Scalars(At(platform, "steps"))));
        Assert.Equal(["Publish-Merge"], Targets(Scalars(At(merge, "steps"))));
        Assert.Contains("multiarch-record-*", Scalars(At(merge, "steps")));
    }

    [Fact]
    public void Should_Run_A_Platform_Matrix_And_A_Merge_Job_In_GitLab_CI()
    {
        // Given
        var pipeline = Load("gitlab-ci.yml");

        // When
        var platform = At(pipeline, "publish-platform");
        var merge = At(pipeline, "publish-merge");

        // Then
        var platforms = ((YamlSequenceNode)At(platform, "parallel", "matrix")).Children.Select(e => Scalars(At(e, "PLATFORM")).Single());
        Assert.Equal(["linux/amd64", "linux/arm64"], platforms);
        Assert.Equal("publish-platform", Scalars(At(merge, "needs")).Single());
        Assert.Equal(["Publish-Platform"], Targets(Scalars(At(platform, "script"))));
        Assert.Equal(["Publish-Merge"], Targets(Scalars(At(merge, "script"))));
        Assert.DoesNotContain(Scalars(At(merge, "script")), s => s.StartsWith("docker ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("github-actions.yml")]
    [InlineData("gitlab-ci.yml")]
    public void Should_Name_Only_Targets_The_Recipe_Defines(string file)
    {
        // Given
        var targets = Targets(Scalars(Load(file))).Distinct().ToArray();

        // Then
        Assert.NotEmpty(targets);
        Assert.All(targets, t => Assert.Contains($"Task(\"{t}\")", Recipe, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Lower_Case_The_Image_Name_When_The_GitHub_Owner_Has_Capitals()
    {
        // Given: the steps that set MULTIARCH_IMAGE, in both jobs, and no image built from the path as it is
        var workflow = Load("github-actions.yml");
        Assert.DoesNotContain(Scalars(workflow), s => s.Contains("${{ github.repository }}", StringComparison.Ordinal));
        foreach (var job in new[] { "platform", "merge" })
        {
            var step = Scalars(At(workflow, "jobs", job, "steps")).Single(s => s.Contains("MULTIARCH_IMAGE=", StringComparison.Ordinal));
            using var dir = new TempDirectory();
            var githubEnv = dir.WriteFile("github-env", string.Empty);

            // When: bash runs the step as the runner does
            var (exit, output) = TestBed.RunIn("bash", dir.Path, new Dictionary<string, string> { ["GITHUB_REPOSITORY"] = "Octo-Org/My-App", ["GITHUB_REF_NAME"] = "v1.2.3", ["GITHUB_ENV"] = githubEnv }, "-e", "-c", step);

            // Then
            Assert.True(exit == 0, output);
            var image = File.ReadAllText(githubEnv).Trim();
            Assert.Equal("MULTIARCH_IMAGE=ghcr.io/octo-org/my-app:v1.2.3", image);
            Assert.True(ImageReference.TryParse(image["MULTIARCH_IMAGE=".Length..], out _), image);
        }
    }

    [Fact]
    public void Should_Lower_Case_The_Image_Name_When_The_GitLab_Project_Path_Has_Capitals()
    {
        // Given: the line of each job's script that sets MULTIARCH_IMAGE
        var pipeline = Load("gitlab-ci.yml");
        Assert.DoesNotContain("MULTIARCH_IMAGE", Scalars(At(pipeline, "variables")).Concat(((YamlMappingNode)At(pipeline, "variables")).Children.Keys.SelectMany(Scalars)));
        foreach (var job in new[] { "publish-platform", "publish-merge" })
        {
            var line = Scalars(At(pipeline, job, "script")).Single(s => s.Contains("MULTIARCH_IMAGE=", StringComparison.Ordinal));

            // When: the job's shell runs it
            var (exit, output) = TestBed.RunIn("sh", null, new Dictionary<string, string> { ["CI_REGISTRY_IMAGE"] = "registry.gitlab.com/Octo-Org/My-App", ["CI_COMMIT_REF_SLUG"] = "v1-2-3" }, "-e", "-c", line + "\necho \"$MULTIARCH_IMAGE\"");

            // Then
            Assert.True(exit == 0, output);
            Assert.Equal("registry.gitlab.com/octo-org/my-app:v1-2-3", output.Trim());
            Assert.True(ImageReference.TryParse(output.Trim(), out _), output);
        }
    }

    [Theory]
    [InlineData("github-actions.yml")]
    [InlineData("gitlab-ci.yml")]
    public void Should_Load_The_Recipe_From_Its_Package_With_A_Pinned_Version(string file)
    {
        // Given: the example names the build.cake to copy beside it
        var text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "ci", file));
        Assert.Contains("examples/ci/build.cake", text, StringComparison.Ordinal);

        // When
        var script = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "ci", "build.cake"));

        // Then: the recipe package, at an exact version; no local recipe.cake, no unpinned package
        Assert.Matches(@"(?m)^#load nuget:\?package=Cake\.MultiArch\.Recipe&version=\d+\.\d+\.\d+\s*$", script);
        Assert.DoesNotMatch(@"(?m)^#(load|addin) (?!nuget:\?package=Cake\.MultiArch\.Recipe&version=\d)", script);
        Assert.DoesNotMatch(@"(?m)^\s*#(load|addin)", text);
    }

    [Fact]
    public void Should_Quote_Only_Lines_The_Examples_Hold_When_Docs_Ci_Shows_Them()
    {
        // Given: the yaml docs/ci.md shows (run above, as the examples hold them)
        var blocks = DocBlocks.Read("docs/ci.md", "yaml");
        var examples = string.Join('\n', new[] { "github-actions.yml", "gitlab-ci.yml" }.Select(f => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "ci", f))));

        // When
        var lines = blocks.SelectMany(b => b.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

        // Then
        Assert.Equal(3, blocks.Length); // the image name (GitHub, GitLab) and the script cache step
        Assert.All(lines, l => Assert.Contains(l, examples, StringComparison.Ordinal));
    }
}
