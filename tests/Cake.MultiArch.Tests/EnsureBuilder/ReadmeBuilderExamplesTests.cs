using Cake.MultiArch.Tests.Docs;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>The builder examples of docs/aliases/EnsureBuilder.md (its <c>```cs</c> blocks), run by the real dotnet cake against a fake docker replaying buildx 0.13.1 texts.</summary>
public sealed class ReadmeBuilderExamplesTests
{
    [Fact]
    public void Should_Run_Every_Builder_Example_Of_The_Readme()
    {
        // Given: each ```cs block in its own scope of one task
        var blocks = DocBlocks.Read("docs/aliases/EnsureBuilder.md", "cs")
            .Where(b => b.Contains("EnsureBuilder(", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(3, blocks.Length);
        using var dir = new TempDirectory();
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = dir.WriteFile("builders.cake", $"#r \"{addin}\"\nTask(\"Examples\").Does(() =>\n{{\n{string.Join('\n', blocks.Select(b => "{\n" + b + "}\n"))}}});\nRunTarget(\"Examples\");\n");
        using var docker = new FakeDocker();
        var multinode = TestPaths.ReadFixture("buildx/buildx-inspect-multinode.txt");
        docker.On("context show", stdout: BuilderData.Output("docker-context-show.txt"))
            .On("buildx inspect -- default", stdout: BuilderData.EngineInspect())
            .On("--context default info", stdout: BuilderData.Containerd)
            .On("buildx use")
            .On("buildx ls", stdout: BuilderData.Output("buildx-0.13-ls.txt"))
            .On("buildx version", stdout: BuilderData.Output("buildx-0.13-version.txt"))
            .On("buildx create")
            .On("buildx inspect --bootstrap -- native", stderr: "ERROR: no builder \"native\" found\n", exitCode: 1, times: 1)
            .On("buildx inspect --bootstrap -- native", stdout: multinode.Replace("multi", "native", StringComparison.Ordinal))
            .On("buildx inspect --bootstrap -- k8s", stderr: "ERROR: no builder \"k8s\" found\n", exitCode: 1, times: 1)
            .On("buildx inspect --bootstrap -- k8s", stdout: multinode.Replace("multi", "k8s", StringComparison.Ordinal));
        var path = docker.BinDir + ":" + Environment.GetEnvironmentVariable("PATH");

        // When
        var (exit, output) = TestBed.RunIn("dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string> { ["PATH"] = path, ["DOCKER_CONFIG"] = dir.Combine("docker-config") }, "tool", "run", "dotnet-cake", script);

        // Then
        Assert.True(exit == 0, output);
        Assert.DoesNotContain("ERROR: no builder", output, StringComparison.Ordinal); // the probes' stderr stays out of the log at normal verbosity
        Assert.Contains("Building with default: Automatic: the docker engine's own builder 'default' builds linux/amd64,linux/arm64 in one build and pushes them (containerd image store)", output, StringComparison.Ordinal);
        var creates = docker.Calls.Where(c => c[1] == "create").Select(c => string.Join(' ', c)).ToArray();
        Assert.Equal(
            [
                "buildx create --bootstrap --driver remote --name native --platform linux/amd64 --use -- tcp://amd64-buildkit:1234",
                "buildx create --append --name native --node native-arm64 --platform linux/arm64 -- tcp://arm64-buildkit:1234",
                "buildx create --bootstrap --driver kubernetes --driver-opt namespace=buildkit --driver-opt replicas=2 --driver-opt nodeselector=kubernetes.io/arch=amd64 --name k8s --platform linux/amd64 --use",
                "buildx create --append --driver-opt namespace=buildkit --driver-opt nodeselector=kubernetes.io/arch=arm64 --name k8s --node k8s-arm64 --platform linux/arm64",
            ],
            creates);
    }
}
