using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>What one platform of a build did: steps run and cached, its wall time and its slowest steps.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="StepsRun">How many of the platform's Dockerfile steps ran (failed ones included).</param>
/// <param name="StepsCached">How many of the platform's Dockerfile steps came from the cache.</param>
/// <param name="WallTime">
/// The platform's wall time: from the start of its first step to the end of its last one (rawjson
/// progress), or the sum of its step durations (plain progress, which carries no timestamps). Shared
/// steps such as loading the context and exporting the image belong to no platform. Divide an
/// emulated platform's wall time by a native one's to get the emulation factor of the build.
/// </param>
/// <param name="Emulated">Whether this machine runs the platform's processes under QEMU emulation (its architecture is not the host's).</param>
/// <param name="SlowestSteps">The platform's slowest steps that ran, slowest first, at most three.</param>
public sealed record PlatformBuildSummary(Platform Platform, int StepsRun, int StepsCached, TimeSpan WallTime, bool Emulated, IReadOnlyList<BuildStepTiming> SlowestSteps)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var slowest = SlowestSteps.Count == 0 ? string.Empty : "; slowest: " + string.Join(", ", SlowestSteps);
        return $"{Platform}: {StepsRun} run, {StepsCached} cached, {BuildSummary.FormatDuration(WallTime)}{(Emulated ? " (emulated)" : string.Empty)}{slowest}";
    }
}
