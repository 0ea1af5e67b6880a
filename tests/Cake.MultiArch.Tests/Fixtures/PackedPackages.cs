namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// Both packages (the addin and the recipe), packed once per test run by this repository's own
/// projects into a folder feed, in a configuration of their own (PackageTest), so a concurrent
/// Release build elsewhere cannot collide with it.
/// </summary>
internal static class PackedPackages
{
    private static readonly Lazy<(string Feed, string Version)> Packed = new(() =>
    {
        var feed = Directory.CreateTempSubdirectory("cake-multiarch-feed-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(feed, recursive: true);
        foreach (var project in new[] { "src/Cake.MultiArch/Cake.MultiArch.csproj", "src/Cake.MultiArch.Recipe/Cake.MultiArch.Recipe.csproj" })
        {
            var (packExit, packOutput) = TestBed.RunIn(
                TimeSpan.FromMinutes(10), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
                "pack", project, "--configuration", "PackageTest", "--output", feed, "--no-restore", "-p:ContinuousIntegrationBuild=true");
            if (packExit != 0)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed: {packOutput}");
            }
        }

        var nupkg = Directory.GetFiles(feed, "Cake.MultiArch.*.nupkg").Single(f => !Path.GetFileName(f).StartsWith("Cake.MultiArch.Recipe.", StringComparison.Ordinal));
        return (feed, Path.GetFileNameWithoutExtension(nupkg)["Cake.MultiArch.".Length..]);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the feed folder and the version both packages carry.</summary>
    public static (string Feed, string Version) Value => Packed.Value;

    /// <summary>
    /// The package folder whose assemblies a Linux Cake of the given architecture loads: the
    /// ReadyToRun copy for x64 and arm64, the IL build for any other.
    /// </summary>
    /// <param name="architecture">The Cake process's architecture.</param>
    /// <returns>The folder, relative to the installed package.</returns>
    public static string CopyFor(System.Runtime.InteropServices.Architecture architecture) => architecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => Path.Combine("runtimes", "linux-x64", "lib", "net10.0"),
        System.Runtime.InteropServices.Architecture.Arm64 => Path.Combine("runtimes", "linux-arm64", "lib", "net10.0"),
        _ => Path.Combine("lib", "net10.0"),
    };
}
