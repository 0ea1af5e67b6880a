using System.Globalization;
using System.Text;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// What a build did per platform, read from buildx's progress: steps run and cached, wall time,
/// and the slowest steps, flagging those that ran under QEMU emulation. <c>BuildxBuild</c> logs
/// it as a small table after every build and returns it in <see cref="BuildxBuildResult.Summary"/>.
/// </summary>
/// <param name="Platforms">One entry per platform, in the order the build reported them first.</param>
/// <param name="WallTime">
/// The build's wall time as BuildKit saw it: from its first step's start to its last step's end
/// (rawjson progress), or the sum of all step durations (plain progress).
/// </param>
/// <param name="FromRawJson">
/// Whether the summary was read from <c>--progress=rawjson</c> (buildx 0.12 and later), where each
/// step is attributed to its platform through the build graph; plain progress only names the
/// platform of steps it prefixes with one (<c>[linux/arm64 1/2]</c>).
/// </param>
public sealed record BuildSummary(IReadOnlyList<PlatformBuildSummary> Platforms, TimeSpan WallTime, bool FromRawJson)
{
    private const int NameWidth = 72;

    /// <summary>
    /// Gets a value indicating whether emulated steps dominate: on some emulated platform, its
    /// slowest emulated steps took more than half its wall time. The fix is to compile in a stage
    /// that starts <c>FROM --platform=$BUILDPLATFORM</c> and cross-compiles for <c>$TARGETARCH</c>.
    /// </summary>
    public bool EmulationDominates => Platforms.Any(p =>
        p.Emulated && p.WallTime > TimeSpan.Zero && p.SlowestSteps.Where(s => s.Emulated).Sum(s => s.Duration.Ticks) * 2 > p.WallTime.Ticks);

    /// <summary>Gets the hint printed when <see cref="EmulationDominates"/>, or <see langword="null"/>.</summary>
    public string? EmulationHint
    {
        get
        {
            if (!EmulationDominates)
            {
                return null;
            }

            var emulated = Platforms.Where(p => p.Emulated).ToArray();
            var stepTime = emulated.SelectMany(p => p.SlowestSteps).Where(s => s.Emulated).Sum(s => s.Duration.Ticks);
            var wall = emulated.Sum(p => p.WallTime.Ticks);
            return $"Emulated RUN steps took {FormatDuration(TimeSpan.FromTicks(stepTime))} of {FormatDuration(TimeSpan.FromTicks(wall))} on {string.Join(", ", emulated.Select(p => p.Platform))}: "
                + "compile in a stage that starts 'FROM --platform=$BUILDPLATFORM' and cross-compile for $TARGETARCH, so that only copying the result runs per platform.";
        }
    }

    /// <summary>Renders the summary as the table <c>BuildxBuild</c> logs.</summary>
    /// <returns>The table, one line per platform, then the slowest steps and the hint when emulation dominates.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Build summary: {Platforms.Count} platform{(Platforms.Count == 1 ? string.Empty : "s")}, {FormatDuration(WallTime)} ({(FromRawJson ? "rawjson" : "plain")} progress)");
        if (Platforms.Count == 0)
        {
            return text.ToString();
        }

        var width = Math.Max("PLATFORM".Length, Platforms.Max(p => p.Platform.ToString().Length));
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  {"PLATFORM".PadRight(width)}  {"RUN",4}  {"CACHED",6}  {"WALL",7}  EMULATED");
        foreach (var p in Platforms)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"  {p.Platform.ToString().PadRight(width)}  {p.StepsRun,4}  {p.StepsCached,6}  {FormatDuration(p.WallTime),7}  {(p.Emulated ? "yes" : "no")}");
        }

        var slowest = Platforms.SelectMany(p => p.SlowestSteps).Where(s => s.Duration >= TimeSpan.FromSeconds(0.05)).OrderByDescending(s => s.Duration).Take(3).ToArray();
        if (slowest.Length > 0)
        {
            text.AppendLine();
            text.Append("  Slowest steps:");
            foreach (var step in slowest)
            {
                text.AppendLine();
                var name = step.Name.Length > NameWidth ? step.Name[..(NameWidth - 1)] + "…" : step.Name;
                text.Append(CultureInfo.InvariantCulture, $"  {FormatDuration(step.Duration),7}  {name}{(step.Emulated ? " (emulated)" : string.Empty)}");
            }
        }

        if (EmulationHint is { } hint)
        {
            text.AppendLine();
            text.Append("  ").Append(hint);
        }

        return text.ToString();
    }

    /// <summary>Formats a duration the way BuildKit's plain progress does (<c>3.0s</c>).</summary>
    /// <param name="duration">The duration.</param>
    /// <returns>The text.</returns>
    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
