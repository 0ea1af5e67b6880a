using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The two platform-argument rules of the Dockerfile preflight (<see cref="DockerfileRules.PlatformArgNotDeclared"/>
/// and <see cref="DockerfileRules.PlatformArgDefault"/>) as the <c>line N: message fix</c> texts
/// BuildxBuild printed before the preflight existed.
/// </summary>
internal static class DockerfileTargetArgs
{
    /// <summary>Lists each undeclared use (first use per stage and argument) and each default value given to an automatic argument, as <c>line N: …</c>.</summary>
    /// <param name="dockerfile">The Dockerfile's text.</param>
    /// <returns>The findings, in line order.</returns>
    public static IReadOnlyList<string> Find(string dockerfile)
    {
        var settings = new CheckDockerfileSettings { CheckBaseImages = false };
        var findings = new DockerfileAnalysis(DockerfileDocument.Parse(dockerfile), "Dockerfile", settings).Findings();
        return findings
            .Where(f => f.RuleId is DockerfileRules.PlatformArgNotDeclared or DockerfileRules.PlatformArgDefault)
            .OrderBy(f => f.Line)
            .Select(f => $"line {f.Line}: {f.Message} {f.Fix}")
            .ToArray();
    }
}
