namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>Picks the build out of a fake docker's calls (BuildxBuild may first ask <c>buildx version</c>, <c>buildx inspect</c> or <c>info</c>).</summary>
internal static class BuildCalls
{
    /// <summary>Gets the argv of the one <c>buildx build</c> call.</summary>
    /// <param name="docker">The fake docker.</param>
    /// <returns>The argv.</returns>
    public static IReadOnlyList<string> BuildCall(this FakeDocker docker) =>
        docker.Calls.Single(IsBuild);

    /// <summary>Gets the 1-based number of the <c>buildx build</c> call, for <see cref="FakeDocker.EnvironmentOf"/>.</summary>
    /// <param name="docker">The fake docker.</param>
    /// <returns>The call number.</returns>
    public static int BuildCallNumber(this FakeDocker docker) =>
        docker.Calls.Select((argv, i) => (argv, i)).Single(c => IsBuild(c.argv)).i + 1;

    /// <summary>Gets whether a call is <c>buildx build</c>.</summary>
    /// <param name="argv">The call's argv.</param>
    /// <returns><see langword="true"/> for a build.</returns>
    public static bool IsBuild(IReadOnlyList<string> argv) => argv.Count > 1 && argv[0] == "buildx" && argv[1] == "build";
}
