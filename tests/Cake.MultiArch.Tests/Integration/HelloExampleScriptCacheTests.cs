using System.Security.Cryptography;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// Cake's script cache in the examples (issue 18): examples/hello/cake.config turns it on, so the
/// real Cake runner's second run loads the compiled script; and since Cake keys the cache on the
/// script's text only (not on the Release DLL the example #r's), a Release build whose
/// Cake.MultiArch.dll differs empties examples/*/tools/cache (the target in Cake.MultiArch.csproj).
/// </summary>
public sealed class HelloExampleScriptCacheTests
{
    private static readonly string Examples = Path.Combine(TestPaths.RepositoryRoot, "examples");

    [Fact]
    public void Should_Run_The_Cached_Script_When_The_Example_Runs_A_Second_Time()
    {
        // Given: the Release addin the example #r's
        _ = ReleaseAddin.Ensure();

        // When: the example twice, with a target that only checks the arguments (no other test rebuilds the addin meanwhile)
        var (first, second) = ReleaseAddin.Exclusive(() => (Validate(), Validate()));

        // Then
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Running cached build script...", second.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Examples, "hello", "tools", "cache"), "build.BuildScriptHost.*.dll"));
    }

    [Fact]
    public void Should_Empty_The_Examples_Script_Caches_Only_When_The_Release_Addin_Changed()
    {
        // Given: the Release addin, and a cache entry in each example
        var addin = ReleaseAddin.Ensure();
        var stamp = Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", "obj", "examples-script-cache.sha256");
        var markers = new[] { "hello", "dotnet-app" }.Select(e => Path.Combine(Examples, e, "tools", "cache", "issue18-marker.dll")).ToArray();
        var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(addin)));

        ReleaseAddin.Exclusive(() =>
        {
            // When: the caches were written against another DLL (the stamp says so)
            WriteMarkers(markers);
            File.WriteAllText(stamp, "0000\n");
            var changed = ClearTarget();

            // Then: emptied, and the stamp names the DLL now built
            Assert.True(changed.ExitCode == 0, changed.Output);
            Assert.All(markers, m => Assert.False(File.Exists(m), m));
            Assert.Equal(hash, File.ReadAllText(stamp).Trim(), ignoreCase: true);
            Assert.Contains("Cake.MultiArch.dll changed: emptied the examples' Cake script caches", changed.Output, StringComparison.Ordinal);

            // When: the same DLL again (a Release build that changed nothing)
            WriteMarkers(markers);
            var unchanged = ClearTarget();

            // Then: kept
            Assert.True(unchanged.ExitCode == 0, unchanged.Output);
            Assert.All(markers, m => Assert.True(File.Exists(m), m));
            foreach (var marker in markers)
            {
                File.Delete(marker);
            }

            return 0;
        });
    }

    private static (int ExitCode, string Output) Validate() =>
        TestBed.RunIn(TimeSpan.FromMinutes(5), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "cake", "examples/hello/build.cake", "--target=MultiArch-Validate", "--verbosity=diagnostic");

    private static (int ExitCode, string Output) ClearTarget() =>
        TestBed.RunIn(TimeSpan.FromMinutes(5), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(), "msbuild", "src/Cake.MultiArch/Cake.MultiArch.csproj", "-nologo", "-t:ClearExampleScriptCaches", "-p:Configuration=Release");

    private static void WriteMarkers(IEnumerable<string> markers)
    {
        foreach (var marker in markers)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllText(marker, "a stand-in for a compiled script");
        }
    }
}
