using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>A fake docker, a temp folder as working directory and DOCKER_CONFIG, and a Cake context of real Cake.Core classes, for EnsureBuilder.</summary>
internal sealed class EnsureBuilderBed : IDisposable
{
    public EnsureBuilderBed()
    {
        Cake = new TestCakeContext(Dir.Path);
    }

    public FakeDocker Docker { get; } = new();

    public TempDirectory Dir { get; } = new();

    public TestCakeContext Cake { get; }

    /// <summary>Gets each call's argv, in call order.</summary>
    public string[][] Calls => Docker.Calls.Select(c => c.ToArray()).ToArray();

    /// <summary>Runs EnsureBuilder with the fake docker and this bed's DOCKER_CONFIG.</summary>
    public EnsureBuilderResult Run(EnsureBuilderSettings settings)
    {
        settings.ToolPath = Docker.Path;
        settings.DockerConfig = Dir.Combine("docker-config");
        return Cake.Context.EnsureBuilder(settings);
    }

    public void Dispose()
    {
        Docker.Dispose();
        Dir.Dispose();
    }
}
