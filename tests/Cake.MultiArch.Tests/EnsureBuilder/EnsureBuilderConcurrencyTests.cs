using Cake.Core;
using Cake.MultiArch.EnsureBuilder;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.EnsureBuilder;

/// <summary>Two runs doing EnsureBuilder with the same name at once (issue 8 #12).</summary>
public sealed class EnsureBuilderConcurrencyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>
    /// A fake docker with buildx's state: inspect finds the builder once a create made it; a second
    /// create of an existing builder fails with buildx 0.13.1's own words; create takes a while.
    /// </summary>
    private string StatefulDocker()
    {
        var state = _dir.Combine("state");
        Directory.CreateDirectory(state);
        var inspect = _dir.WriteFile("inspect.txt", TestPaths.ReadFixture("buildx/buildx-inspect-docker-container.txt").Replace("tbcontainer", "shared", StringComparison.Ordinal));
        var existing = _dir.WriteFile("existing.txt", BuilderData.Output("buildx-0.13-create-existing.txt").Replace("cmfix", "shared", StringComparison.Ordinal).Replace("rc=1\n", string.Empty, StringComparison.Ordinal));
        var ls = _dir.WriteFile("ls.txt", BuilderData.Output("buildx-0.13-ls.txt"));
        var version = _dir.WriteFile("version.txt", BuilderData.Output("buildx-0.13-version.txt"));
        return TestBed.WriteExecutable(_dir.Combine("bin", "docker"), $$"""
            #!/bin/bash
            state='{{state}}'
            [ $# -eq 0 ] && exit 0
            echo "$*" >> "$state/calls"
            case "$2" in
              inspect) if [ -d "$state/created" ]; then cat '{{inspect}}'; else echo 'ERROR: no builder "shared" found' >&2; exit 1; fi ;;
              ls) cat '{{ls}}' ;;
              version) cat '{{version}}' ;;
              use) ;;
              create) sleep 0.5; if mkdir "$state/created" 2>/dev/null; then echo shared; else cat '{{existing}}' >&2; exit 1; fi ;;
              *) echo "fake docker: no rule for: $*" >&2; exit 97 ;;
            esac
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    private string[] CallLog => File.ReadAllLines(_dir.Combine("state", "calls"));

    private EnsureBuilderSettings Settings(string docker) => new()
    {
        Name = "shared",
        ToolPath = docker,
        DockerConfig = _dir.Combine("docker-config"),
        RequiredPlatforms = { "linux/amd64", "linux/arm64" },
    };

    [Fact]
    public async Task Should_Create_Once_And_Both_Succeed_When_Two_Runs_Ensure_The_Same_Builder_At_Once()
    {
        // Given
        var docker = StatefulDocker();
        var first = new TestCakeContext(_dir.Path);
        var second = new TestCakeContext(_dir.Path);
        using var start = new Barrier(2);

        // When
        var runs = new[] { first, second }.Select(cake => Task.Run(() =>
        {
            start.SignalAndWait();
            return cake.Context.EnsureBuilder(Settings(docker));
        })).ToArray();
        var builders = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        // Then
        Assert.All(builders, b => Assert.Equal("shared", b.Name));
        Assert.Single(CallLog, c => c.StartsWith("buildx create", StringComparison.Ordinal));
        var logs = first.Log.All + "\n" + second.Log.All;
        Assert.Contains("EnsureBuilder: builder 'shared' (docker-container) created:", logs, StringComparison.Ordinal);
        Assert.Contains("EnsureBuilder: builder 'shared' (docker-container) already matches the settings; nothing changed:", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Give_Up_Naming_The_Lock_When_Another_Run_Holds_It_Too_Long()
    {
        // Given: another run holds the lock of this DOCKER_CONFIG and builder
        var docker = StatefulDocker();
        var settings = Settings(docker);
        settings.LockTimeout = TimeSpan.FromMilliseconds(300);
        using var held = BuilderLock.Acquire(_dir.Combine("docker-config"), "shared", TimeSpan.Zero, new TestCakeContext(_dir.Path).Log.Log);

        // When
        var ex = Assert.Throws<CakeException>(() => new TestCakeContext(_dir.Path).Context.EnsureBuilder(settings));

        // Then
        Assert.StartsWith($"EnsureBuilder: could not lock builder 'shared' within 00:00:00.3000000 (LockTimeout); expected the other run holding '{held.Path}' to finish, found it still holding the lock (", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("). Wait for that run, or raise LockTimeout.", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("state", "calls")), "no docker process may start without the lock");
    }

    [Fact]
    public void Should_Lock_Per_Docker_Config_And_Builder_Name_When_Locking()
    {
        var a = BuilderLock.PathFor("/home/ci/.docker", "Multiarch");
        Assert.Equal(a, BuilderLock.PathFor("/home/ci/.docker", "multiarch"));
        Assert.NotEqual(a, BuilderLock.PathFor("/tmp/other-config", "multiarch"));
        Assert.NotEqual(a, BuilderLock.PathFor("/home/ci/.docker", "other"));
        Assert.EndsWith("-multiarch.lock", a, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
