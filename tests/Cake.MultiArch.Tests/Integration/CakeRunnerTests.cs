using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The real <c>dotnet cake</c> runner (Cake.Tool 7.0.0 from the tool manifest) loads the built
/// addin with <c>#r</c>, finds its aliases, and runs BuildxBuild against the fake docker.
/// </summary>
public sealed class CakeRunnerTests
{
    [Fact]
    public void Should_Load_The_Addin_And_Run_BuildxBuild_From_A_Script()
    {
        // Given
        using var docker = new FakeDocker();
        docker.On("buildx build", stderr: TestPaths.ReadFixture("buildx/build-multiarch-push.txt"), metadataFixture: TestPaths.Fixture("buildx/meta.json"));
        using var dir = new TempDirectory();
        dir.WriteFile("app/Dockerfile", BuildxHarness.Dockerfile);
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = dir.WriteFile("build.cake", $$"""
            #r "{{addin}}"
            var result = BuildxBuild("./app", s => s
                .WithPlatform("linux/amd64", "linux/arm64")
                .WithTag("127.0.0.1:5001/tb/hello:1")
                .WithPush()
                .WithToolPath("{{docker.Path}}"));
            Information("DIGEST=" + result.Digest);
            Information("INDEX=" + result.IsIndex);
            """);

        // When
        var (exitCode, output) = Run("dotnet", TestPaths.RepositoryRoot, "tool", "run", "dotnet-cake", script, "--verbosity=normal");

        // Then
        Assert.True(exitCode == 0, output);
        Assert.Contains("DIGEST=sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315", output, StringComparison.Ordinal);
        Assert.Contains("INDEX=True", output, StringComparison.Ordinal);
        Assert.Contains("#9 exporting manifest list sha256:efdfd8702163a616e2f45cc4fd31a940dbec56346b6567425ac55841ef373315 done", output, StringComparison.Ordinal);
        var argv = docker.BuildCall();
        Assert.Equal(["buildx", "build", "--metadata-file"], argv.Take(3));
        Assert.Equal(["--platform", "linux/amd64,linux/arm64", "--progress", "rawjson", "--push", "--tag", "127.0.0.1:5001/tb/hello:1", dir.Combine("app")], argv.Skip(4)); // this fake prints plain progress, as buildx 0.10 does for rawjson: read as plain
    }

    [Fact]
    public void Should_Load_The_Bundled_Zstd_Dependency_From_The_Addins_Own_Folder()
    {
        // Given: a zstd layer holding this machine's /bin/sh, and a script that #r-loads the addin
        // from its build output (as the README says), not from this test's folder.
        using var dir = new TempDirectory();
        using (var tar = new MemoryStream())
        {
            using (var writer = new System.Formats.Tar.TarWriter(tar, leaveOpen: true))
            {
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "./bin/sh") { DataStream = new MemoryStream(File.ReadAllBytes("/bin/sh")), Mode = UnixFileMode.UserRead | UnixFileMode.UserExecute });
            }

            using var file = File.Create(dir.Combine("layer.tar.zst"));
            using var zstd = new ZstdSharp.CompressionStream(file);
            zstd.Write(tar.ToArray());
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var addin = Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", "bin", configuration, "net10.0", "Cake.MultiArch.dll");
        var script = dir.WriteFile("build.cake", $$"""
            #r "{{addin}}"
            // LayerScanner is internal: the script calls it by reflection, as the addin's own code runs.
            var assembly = typeof(Cake.MultiArch.VerifyManifest.VerifyManifestSettings).Assembly;
            var resultType = assembly.GetType("Cake.MultiArch.VerifyManifest.LayerScanResult", true);
            var result = System.Activator.CreateInstance(resultType);
            using (var layer = System.IO.File.OpenRead("{{dir.Combine("layer.tar.zst")}}"))
            {
                var scan = assembly.GetType("Cake.MultiArch.VerifyManifest.LayerScanner", true).GetMethod("ScanAsync");
                ((System.Threading.Tasks.Task)scan.Invoke(null, new object[] { layer, "application/vnd.oci.image.layer.v1.tar+zstd", Platform.Host, result, 5, new string[0], System.Threading.CancellationToken.None })).GetAwaiter().GetResult();
            }
            Information("ELF=" + resultType.GetProperty("ElfFiles").GetValue(result) + " MATCHING=" + resultType.GetProperty("Matching").GetValue(result));
            """);

        // When
        var (exitCode, output) = Run("dotnet", TestPaths.RepositoryRoot, "tool", "run", "dotnet-cake", script);

        // Then
        Assert.True(exitCode == 0, output);
        Assert.Contains("ELF=1 MATCHING=1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Not_Ship_Cake_Core_Or_Cake_Common_With_The_Addin()
    {
        // The addin runs inside Cake's process, which has its own copies.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // Debug or Release
        var output = Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(output, "Cake.MultiArch.dll")), output);
        Assert.False(File.Exists(Path.Combine(output, "Cake.Core.dll")));
        Assert.False(File.Exists(Path.Combine(output, "Cake.Common.dll")));
        Assert.True(File.Exists(Path.Combine(output, "Cake.MultiArch.xml")), "XML docs are generated for Cake's alias help");
        Assert.True(File.Exists(Path.Combine(output, "ZstdSharp.dll")), "the one bundled dependency sits beside the addin");
    }

    [Fact]
    public void Should_Fail_The_Script_With_The_Validation_Message()
    {
        using var dir = new TempDirectory();
        dir.WriteFile("app/Dockerfile", BuildxHarness.Dockerfile);
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        var script = dir.WriteFile("build.cake", $$"""
            #r "{{addin}}"
            BuildxBuild("./app", s => s.WithPlatform("linux/arm64", "linux/arm64/v8").WithLoad().WithToolPath("/nonexistent/docker"));
            """);

        var (exitCode, output) = Run("dotnet", TestPaths.RepositoryRoot, "tool", "run", "dotnet-cake", script);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("BuildxBuild: Platforms lists 'linux/arm64' more than once (after normalisation: linux/arm64/v8 is linux/arm64); expected each platform once, found 'linux/arm64,linux/arm64'.", output, StringComparison.Ordinal);
    }

    internal static (int ExitCode, string Output) Run(string file, string workingDirectory, params string[] arguments) =>
        TestBed.RunIn(file, workingDirectory, new Dictionary<string, string>(), arguments);
}
