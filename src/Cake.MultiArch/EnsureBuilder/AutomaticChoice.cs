using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>
/// Automatic's judgement of the docker engine's own builder: it is taken when it exists, is not in
/// error, lists every required platform and the engine keeps images in the containerd store (one
/// build then makes and pushes every platform); otherwise the reason says which of these failed.
/// </summary>
internal static class AutomaticChoice
{
    /// <summary>Judges the engine's builder as 'docker buildx inspect' read it.</summary>
    /// <param name="engine">The builder named after the docker context, or <see langword="null"/> when there is none.</param>
    /// <param name="context">The docker context's name.</param>
    /// <param name="required">The platforms the builds need.</param>
    /// <param name="isContainerdStore">Reads whether the builder's engine uses the containerd image store (asked last, only when all else holds).</param>
    /// <returns>The builder with its <see cref="EnsureBuilderResult.Reason"/>, or <see langword="null"/> and why not.</returns>
    public static (EnsureBuilderResult? Engine, string WhyNot) JudgeEngineBuilder(EnsureBuilderResult? engine, string context, IEnumerable<Platform> required, Func<EnsureBuilderResult, bool> isContainerdStore)
    {
        if (engine is null || !engine.IsEngineBuilder)
        {
            return (null, $"the docker context '{context}' has no builder of its own (driver docker)");
        }

        if (engine.Nodes.FirstOrDefault(n => n.Error is not null) is { } broken)
        {
            return (null, $"it is in error ({broken.Error})");
        }

        var platforms = required.ToArray();
        var missing = platforms.Where(p => !engine.Platforms.Contains(p)).ToArray();
        if (missing.Length > 0)
        {
            return (null, $"it cannot build {PlatformList.Format(missing)} (it offers {PlatformList.Format(engine.Platforms)})");
        }

        if (!isContainerdStore(engine))
        {
            return (null, "it builds one platform at a time (the engine uses the classic image store, not the containerd one)");
        }

        var built = platforms.Length > 0 ? PlatformList.Format(platforms) : PlatformList.Format(engine.Platforms);
        return (engine with { Reason = $"Automatic: the docker engine's own builder '{engine.Name}' builds {built} in one build and pushes them (containerd image store)" }, string.Empty);
    }
}
