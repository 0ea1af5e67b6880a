namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// The addin built in Release, where the README and the examples' <c>#r</c> lines point
/// (<c>src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll</c>), by the README's own command
/// for this repository's pipeline (<c>dotnet cake build/build.cake --target=Pack</c>, which also
/// packs both packages into <c>artifacts/</c>). Run once per test run, under a lock, so tests
/// that run those scripts for real never build it at the same time.
/// </summary>
internal static class ReleaseAddin
{
    private static readonly Lazy<string> Built = new(() =>
    {
        var (code, output) = TestBed.RunIn(
            TimeSpan.FromMinutes(10), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
            "tool", "run", "dotnet-cake", "build/build.cake", "--target=Pack");
        return code == 0
            ? Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", "bin", "Release", "net10.0", "Cake.MultiArch.dll")
            : throw new InvalidOperationException("dotnet cake build/build.cake --target=Pack failed: " + output);
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Builds the addin in Release (once) and returns the DLL's path.</summary>
    /// <returns>The path of the built Cake.MultiArch.dll.</returns>
    public static string Ensure() => Built.Value;
}
