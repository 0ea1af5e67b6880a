namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// The addin built in Release, where the examples' <c>#r</c> lines point
/// (<c>src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll</c>), by this repository's pipeline
/// (<c>dotnet cake build/build.cake --target=Pack</c>, which also packs both packages into
/// <c>artifacts/</c>). Run once per test run, under a lock; <see cref="Exclusive{T}"/> runs a command
/// that builds the addin itself (the README's main command) under the same lock, so two builds of the
/// addin never run at the same time.
/// </summary>
internal static class ReleaseAddin
{
    private static readonly Lock Gate = new();
    private static string? _built;

    /// <summary>Builds the addin in Release (once) and returns the DLL's path.</summary>
    /// <returns>The path of the built Cake.MultiArch.dll.</returns>
    public static string Ensure()
    {
        lock (Gate)
        {
            if (_built is null)
            {
                var (code, output) = TestBed.RunIn(
                    TimeSpan.FromMinutes(10), "dotnet", TestPaths.RepositoryRoot, new Dictionary<string, string>(),
                    "tool", "run", "dotnet-cake", "build/build.cake", "--target=Pack");
                _built = code == 0
                    ? Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", "bin", "Release", "net10.0", "Cake.MultiArch.dll")
                    : throw new InvalidOperationException("dotnet cake build/build.cake --target=Pack failed: " + output);
            }

            return _built;
        }
    }

    /// <summary>Runs a command that builds the addin in Release itself, while no other test builds it.</summary>
    /// <typeparam name="T">What the command returns.</typeparam>
    /// <param name="command">The command.</param>
    /// <returns>What <paramref name="command"/> returned.</returns>
    public static T Exclusive<T>(Func<T> command)
    {
        lock (Gate)
        {
            return command();
        }
    }
}
