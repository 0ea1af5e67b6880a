using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docker;

/// <summary>
/// <c>docker buildx …</c> runs as buildx's own binary (standalone) when nothing can make it differ,
/// found where the docker CLI looks for it and in its order (docker/cli
/// <c>cli-plugins/manager/manager.go</c> <c>getPluginDirs</c>: <c>cliPluginsExtraDirs</c>, then
/// <c>$DOCKER_CONFIG/cli-plugins</c>, then the system folders); otherwise through docker as written.
/// </summary>
public sealed class BuildxPluginTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public BuildxPluginTests()
    {
        // The docker CLI stands in as any ELF executable named docker (what matters is not being a script).
        Directory.CreateDirectory(_dir.Combine("bin"));
        File.Copy("/usr/bin/true", Docker);
        Directory.CreateDirectory(_dir.Combine("config"));
        Directory.CreateDirectory(_dir.Combine("system"));
    }

    private string Docker => _dir.Combine("bin", "docker");

    private string Config => _dir.Combine("config");

    private string[] SystemFolders => [_dir.Combine("system"), _dir.Combine("missing")];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_Take_The_Configuration_Folder_Before_The_System_Folders()
    {
        var user = Plugin("config/cli-plugins");
        Plugin("system");
        Assert.Equal(user, Find()?.FullPath);
    }

    [Fact]
    public void Should_Take_The_Extra_Folders_Of_The_Configuration_First()
    {
        Plugin("config/cli-plugins");
        var extra = Plugin("extra");
        _dir.WriteFile("config/config.json", $$"""{"auths": {}, "cliPluginsExtraDirs": ["{{_dir.Combine("none")}}", "{{_dir.Combine("extra")}}"]}""");
        Assert.Equal(extra, Find()?.FullPath);
    }

    [Fact]
    public void Should_Take_A_System_Folder_When_The_User_Has_None()
    {
        _dir.WriteFile("config/config.json", """{"auths": {"registry.example": {"auth": "dXNlcjpwYXNz"}}}""");
        var system = Plugin("system");
        Assert.Equal(system, Find()?.FullPath);
    }

    [Fact]
    public void Should_Find_None_When_No_Folder_Has_The_Plugin()
    {
        Assert.Null(Find());
    }

    [Theory]
    [InlineData("""{"cliPluginsExtraDirs": "/one/folder"}""")]
    [InlineData("""{"cliPluginsExtraDirs": [1]}""")]
    [InlineData("""{"cliPluginsExtraDirs": [""")]
    public void Should_Leave_A_Configuration_It_Cannot_Read_To_Docker(string config)
    {
        Plugin("system");
        _dir.WriteFile("config/config.json", config);
        Assert.Null(Find());
    }

    [Fact]
    public void Should_Go_Through_A_Docker_That_Is_A_Script()
    {
        Plugin("system");
        File.Delete(Docker);
        _dir.WriteFile("bin/docker", "#!/bin/sh\nexec podman \"$@\"\n");
        Assert.Null(Find());
    }

    [Fact]
    public void Should_Follow_Symlinks_To_The_Executable_Name()
    {
        Plugin("system");
        File.Delete(Docker);
        File.Copy("/usr/bin/true", _dir.Combine("podman"));
        File.CreateSymbolicLink(Docker, _dir.Combine("podman"));
        Assert.Null(Find()); // docker -> podman: not the docker CLI
        Directory.CreateDirectory(_dir.Combine("real"));
        File.Copy("/usr/bin/true", _dir.Combine("real", "docker"));
        File.Delete(Docker);
        File.CreateSymbolicLink(Docker, _dir.Combine("real", "docker"));
        Assert.Equal(_dir.Combine("system", "docker-buildx"), Find()?.FullPath);
    }

    [Fact]
    public void Should_Keep_Docker_When_The_Settings_Name_A_Tool_Or_Customize_The_Process()
    {
        Plugin("system");
        var build = new ProcessArgumentBuilder().Append("buildx").Append("build");
        Assert.NotNull(BuildxPlugin.Plan(new BuildxBuildSettings(), build, Docker, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings { ToolPath = Docker }, build, Docker, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings { ArgumentCustomization = a => a }, build, Docker, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings { SetupProcessSettings = _ => { } }, build, Docker, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings(), build, null, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings(), build, Docker, null, SystemFolders));
    }

    [Fact]
    public void Should_Drop_Only_The_Leading_Buildx_And_Keep_Secrets_Redacted()
    {
        Plugin("system");
        var arguments = new ProcessArgumentBuilder().Append("buildx").Append("build").AppendSwitchQuoted("--tag", "a b").AppendSwitchQuotedSecret("--build-arg", "TOKEN=hunter2");
        var plan = BuildxPlugin.Plan(new BuildxBuildSettings(), arguments, Docker, Config, SystemFolders);
        Assert.Equal(_dir.Combine("system", "docker-buildx"), plan?.Plugin.FullPath);
        Assert.Equal("build --tag \"a b\" --build-arg \"TOKEN=hunter2\"", plan?.Arguments.Render());
        Assert.Equal("build --tag \"a b\" --build-arg \"[REDACTED]\"", plan?.Arguments.RenderSafe());
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings(), new ProcessArgumentBuilder().Append("info"), Docker, Config, SystemFolders));
        Assert.Null(BuildxPlugin.Plan(new BuildxBuildSettings(), new ProcessArgumentBuilder().Append("--context").Append("x").Append("buildx"), Docker, Config, SystemFolders));
    }

    [Fact]
    public void Should_Run_The_Plugin_Found_With_The_Same_Environment()
    {
        // Given: docker (an ELF) on PATH, and the fake as the buildx plugin in a folder the configuration names
        using var plugin = new FakeDocker();
        plugin.On("build", metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        InstallFake(plugin);
        using var harness = new BuildxHarness(variables: new Dictionary<string, string> { ["PATH"] = _dir.Combine("bin") + ":/usr/bin:/bin" });
        var settings = harness.NewSettings();
        settings.ToolPath = null;
        settings.DockerConfig = Config;
        settings.DockerHost = "unix:///run/other.sock";

        // When
        var result = harness.Run(settings);

        // Then: buildx's own arguments, without 'buildx', and the variables docker would have passed on
        var call = Assert.Single(plugin.Calls);
        Assert.Equal(["build", "--metadata-file"], call.Take(2));
        Assert.Equal(harness.AppDir, call[^1]);
        Assert.Equal("sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", result.Digest);
        Assert.Equal(Config, plugin.EnvironmentOf(1)["DOCKER_CONFIG"]);
        Assert.Equal("unix:///run/other.sock", plugin.EnvironmentOf(1)["DOCKER_HOST"]);
        Assert.Empty(harness.Docker.Calls);
    }

    [Fact]
    public void Should_Show_A_Failing_Plugins_Own_Words()
    {
        using var plugin = new FakeDocker();
        plugin.On("version", stderr: "ERROR: something only buildx says", exitCode: 1);
        InstallFake(plugin);
        var cake = new TestCakeContext(_dir.Path, variables: new Dictionary<string, string> { ["PATH"] = _dir.Combine("bin") + ":/usr/bin:/bin", ["DOCKER_CONFIG"] = Config });
        var runner = new BuildxVersionRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log);
        var ex = Assert.Throws<CakeException>(() => runner.Run(new BuildxVersionSettings()));
        Assert.Equal($"BuildxVersion: docker buildx version failed with exit code 1. docker said:{Environment.NewLine}  ERROR: something only buildx says", ex.Message);
        Assert.Equal(["version"], Assert.Single(plugin.Calls));
    }

    // The fake reads its rules beside its own name, so it is linked as docker-buildx in its own folder, which config.json names.
    private void InstallFake(FakeDocker plugin)
    {
        File.CreateSymbolicLink(System.IO.Path.Combine(plugin.BinDir, "docker-buildx"), plugin.Path);
        _dir.WriteFile("config/config.json", $$"""{"cliPluginsExtraDirs": ["{{plugin.BinDir}}"]}""");
    }

    private FilePath? Find() => BuildxPlugin.Find(new FilePath(Docker), Config, SystemFolders);

    private string Plugin(string folder)
    {
        var path = _dir.WriteFile(System.IO.Path.Combine(folder, "docker-buildx"), "#!/bin/sh\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
