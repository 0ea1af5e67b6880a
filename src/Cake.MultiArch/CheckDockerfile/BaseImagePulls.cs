using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>One pull the build will make: an image for a platform, and the line that asks for it.</summary>
/// <param name="Image">The expanded reference text.</param>
/// <param name="Reference">The parsed reference.</param>
/// <param name="Platform">The platform pulled.</param>
/// <param name="Line">The line (FROM or COPY --from).</param>
/// <param name="Where">How the message names the line's stage.</param>
internal sealed record BaseImageNeed(string Image, ImageReference Reference, Platform Platform, int Line, string Where);

/// <summary>Base images: which image each stage of an analysed Dockerfile pulls for each target platform, with build args and global ARG defaults applied.</summary>
/// <param name="analysis">The analysis whose stages, scopes and build contexts are read.</param>
internal sealed class BaseImagePulls(DockerfileAnalysis analysis)
{
    /// <summary>Lists every image pull of the stages the target needs, per target platform, and a finding for each reference that cannot be resolved.</summary>
    /// <param name="unresolved">Receives a <see cref="DockerfileRules.BaseImageUnknown"/> finding per reference that cannot be resolved.</param>
    /// <returns>The pulls (one per image, platform and line).</returns>
    public List<BaseImageNeed> List(List<DockerfileFinding> unresolved)
    {
        var needs = new List<BaseImageNeed>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in analysis.Document.Stages.Where(s => analysis.IsReachable(s.Index)))
        {
            foreach (var target in analysis.Targets)
            {
                var globals = analysis.GlobalScope(target);
                var platform = analysis.StagePlatform(stage, target, globals, out var platformText);
                if (platform is null)
                {
                    if (reported.Add($"{stage.From.Line}:platform"))
                    {
                        unresolved.Add(analysis.Finding(DockerfileRules.BaseImageUnknown, stage.From.Line, $"FROM --platform={stage.Platform} in {stage.Describe} expands to '{platformText}', which is not a platform; its base image was not checked.", $"Use a platform such as $BUILDPLATFORM, $TARGETPLATFORM or one of {Platform.AcceptedValues}.") with { Severity = FindingSeverity.Info });
                    }

                    continue;
                }

                if (analysis.Parent(stage, target) is null)
                {
                    AddNeed(needs, unresolved, reported, stage.Image, globals, target, platform.Value, stage.From.Line, $"FROM in {stage.Describe}");
                }

                foreach (var (instruction, source) in analysis.SourcesOf(stage))
                {
                    if (analysis.StageNamed(source, stage.Index) is null && !int.TryParse(source, out _))
                    {
                        AddNeed(needs, unresolved, reported, source, globals, target, platform.Value, instruction.Line, $"{instruction.Keyword} --from in {stage.Describe}");
                    }
                }
            }
        }

        return needs;
    }

    private void AddNeed(List<BaseImageNeed> needs, List<DockerfileFinding> unresolved, HashSet<string> reported, string written, Dictionary<string, string?> globals, Platform target, Platform platform, int line, string where)
    {
        var image = DockerfileExpander.Expand(written, analysis.Document.Escape, name => analysis.Lookup(globals, target, name));
        if (string.Equals(image, "scratch", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (analysis.BuildContexts.TryGetValue(image, out var context) || analysis.BuildContexts.TryGetValue(image.Split(':', '@')[0], out context))
        {
            if (!context.StartsWith("docker-image://", StringComparison.Ordinal))
            {
                return; // a local folder, Git or oci-layout context replaces the image
            }

            image = context["docker-image://".Length..];
        }

        if (ImageReference.TryParseCore(image, out var reference) is { } error)
        {
            if (reported.Add($"{line}:{image}"))
            {
                unresolved.Add(analysis.Finding(DockerfileRules.BaseImageUnknown, line, $"{where} names '{written}', which expands to '{image}': {error} Its platforms were not checked.", "Pass the build argument it needs (BuildArgs), or give the global ARG a default.") with { Severity = FindingSeverity.Info });
            }

            return;
        }

        needs.Add(new BaseImageNeed(image, reference!, platform, line, where));
    }
}
