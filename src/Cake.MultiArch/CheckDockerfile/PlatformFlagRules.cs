using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// BuildKit's two checks of <c>FROM --platform</c> (moby/buildkit
/// <c>frontend/dockerfile/dockerfile2llb/validations.go</c>), with its exceptions, on every stage:
/// <see cref="DockerfileRules.RedundantTargetPlatform"/> and <see cref="DockerfileRules.FromPlatformFlagConstDisallowed"/>.
/// </summary>
internal static class PlatformFlagRules
{
    private const string Marker = "\u0001target\u0001";

    /// <summary>Lists the findings of both rules.</summary>
    /// <param name="analysis">The analysis (document, file name).</param>
    /// <returns>The findings.</returns>
    public static IEnumerable<DockerfileFinding> Find(DockerfileAnalysis analysis)
    {
        var escape = analysis.Document.Escape;
        foreach (var stage in analysis.Document.Stages.Where(s => s.Platform is not null))
        {
            var written = stage.Platform!;
            var names = DockerfileExpander.References(written, escape).Distinct(StringComparer.Ordinal).ToArray();
            if (names is ["TARGETPLATFORM"] && DockerfileExpander.Expand(written, escape, n => n == "TARGETPLATFORM" ? Marker : null) == Marker)
            {
                yield return analysis.Finding(
                    DockerfileRules.RedundantTargetPlatform,
                    stage.From.Line,
                    $"FROM --platform={written} in {stage.Describe} sets the platform BuildKit uses anyway (BuildKit: \"Setting platform to predefined {written} in FROM is redundant as this is the default behavior\").",
                    "Remove the --platform flag.");
                continue;
            }

            var text = DockerfileExpander.Expand(written, escape, _ => null);
            var name = stage.Name ?? string.Empty;
            if (names.Length == 0 && Platform.TryParse(text, out var constant)
                && !name.Contains(constant.Os, StringComparison.Ordinal) && !name.Contains(constant.Architecture, StringComparison.Ordinal))
            {
                yield return analysis.Finding(
                    DockerfileRules.FromPlatformFlagConstDisallowed,
                    stage.From.Line,
                    $"FROM --platform={written} in {stage.Describe} fixes the platform to {text} for every target platform (BuildKit: \"FROM --platform flag should not use constant value \\\"{text}\\\"\").",
                    $"Use $BUILDPLATFORM or $TARGETPLATFORM; or, for a stage meant for {text} only, name it after the platform (AS build_{constant.Architecture}) and pick it with 'FROM build_${{TARGETARCH}}'.");
            }
        }
    }
}
