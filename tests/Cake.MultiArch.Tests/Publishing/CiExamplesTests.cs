using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>examples/ci: the GitHub Actions workflow and the GitLab CI file parse, have a matrix of native runners plus a merge job, and name only targets recipe.cake defines.</summary>
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
}
