namespace Cake.MultiArch.BuildxBuild;

/// <summary>One build step that ran (was not cached), with how long it took.</summary>
/// <param name="Name">The step as BuildKit names it, with its platform when the build has several (<c>[linux/arm64 2/2] RUN make</c>); secret values are redacted.</param>
/// <param name="Duration">How long the step ran.</param>
/// <param name="Emulated">Whether the step ran a process for a platform this machine runs under QEMU emulation (a <c>RUN</c> step of a foreign architecture).</param>
public sealed record BuildStepTiming(string Name, TimeSpan Duration, bool Emulated)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{BuildSummary.FormatDuration(Duration)} {Name}{(Emulated ? " (emulated)" : string.Empty)}";
}
