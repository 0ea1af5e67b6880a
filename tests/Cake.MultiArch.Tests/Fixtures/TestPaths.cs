namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>Where the repository, the built addin and the real-tool fixtures are: the one loader of test data.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> RepositoryRootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cake.MultiArch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cake.MultiArch.sln not found above {AppContext.BaseDirectory}.");
    });

    /// <summary>Gets the repository root (the folder of Cake.MultiArch.sln).</summary>
    public static string RepositoryRoot => RepositoryRootLazy.Value;

    /// <summary>Gets the folder of the real-tool outputs the tests replay (Fixtures/Data in this repository; its README says where each came from).</summary>
    public static string FixturesRoot => Path.Combine(RepositoryRoot, "tests", "Cake.MultiArch.Tests", "Fixtures", "Data");

    /// <summary>Gets the full path of a fixture, such as <c>buildx/meta.json</c>.</summary>
    /// <param name="relative">The path below fixtures/.</param>
    /// <returns>The full path.</returns>
    public static string Fixture(string relative) => Path.Combine(FixturesRoot, relative);

    /// <summary>Reads a fixture's text.</summary>
    /// <param name="relative">The path below fixtures/.</param>
    /// <returns>The text.</returns>
    public static string ReadFixture(string relative) => File.ReadAllText(Fixture(relative));

    /// <summary>Reads a fixture captured with its command on the first line (<c>$ docker …</c>), without that line.</summary>
    /// <param name="relative">The path below Fixtures/Data.</param>
    /// <returns>What the command printed.</returns>
    public static string ReadOutput(string relative)
    {
        var text = ReadFixture(relative);
        return text.StartsWith("$ ", StringComparison.Ordinal) ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text;
    }

    /// <summary>Gets whether the tests run in CI (CI=true), where a missing real part fails instead of skipping.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips the test with the reason, except under CI=true, where the missing part fails it.</summary>
    /// <param name="reason">What is missing.</param>
    public static void SkipOrFail(string reason)
    {
        if (IsCi)
        {
            Assert.Fail("CI=true and a real part is missing: " + reason);
        }

        Assert.Skip(reason);
    }
}
