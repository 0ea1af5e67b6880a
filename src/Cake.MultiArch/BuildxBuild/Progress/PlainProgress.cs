using System.Globalization;
using System.Text.RegularExpressions;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>
/// Reads <c>--progress=plain</c> (buildx before 0.12, or when the user asks for it): the lines are
/// logged as they are; <c>#N name</c>, <c>#N DONE 1.2s</c>, <c>#N CACHED</c> and <c>#N ERROR</c>
/// give each step's duration. Plain progress names the platform only of steps it prefixes with
/// one (<c>[linux/arm64 1/2]</c>): in a multi-platform build, other steps count for no platform.
/// </summary>
internal sealed partial class PlainProgress : BuildSummaryReader
{
    /// <summary>Initializes a new instance of the <see cref="PlainProgress"/> class.</summary>
    /// <param name="requestedPlatforms">The platforms the build was asked for.</param>
    /// <param name="secrets">Values to redact.</param>
    public PlainProgress(IReadOnlyList<Platform> requestedPlatforms, IReadOnlyCollection<string> secrets)
        : base(requestedPlatforms, secrets)
    {
    }

    /// <inheritdoc />
    protected override bool RawJson => false;

    /// <inheritdoc />
    protected override IEnumerable<string> ReadCore(string line)
    {
        var match = StepLinePattern().Match(line);
        if (match.Success)
        {
            var step = Step(match.Groups["n"].Value, out var isNew);
            var text = match.Groups["text"].Value;
            if (Outcome().Match(text) is { Success: true } outcome)
            {
                step.Finished = true;
                step.Cached |= outcome.Groups["cached"].Success;
                if (outcome.Groups["seconds"].Success)
                {
                    step.PrintedDuration = TimeSpan.FromSeconds(double.Parse(outcome.Groups["seconds"].Value, CultureInfo.InvariantCulture));
                }

                if (outcome.Groups["error"].Success)
                {
                    step.Error = outcome.Groups["error"].Value;
                }
            }
            else if (isNew || step.Name.Length == 0)
            {
                step.Name = text;
            }
        }

        return [line];
    }

    /// <inheritdoc />
    protected override TimeSpan WallTime(IReadOnlyList<BuildStep> steps) =>
        TimeSpan.FromTicks(steps.Sum(s => s.Finished && !s.Cached ? (s.Duration ?? TimeSpan.Zero).Ticks : 0));

    /// <summary>Tells whether a line is a plain progress step line (<c>#3 [2/2] RUN …</c>).</summary>
    /// <param name="line">The line.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    internal static bool IsStepLine(string line) => StepLinePattern().IsMatch(line);

    [GeneratedRegex(@"^#(?<n>\d+) (?<text>.+)$")]
    private static partial Regex StepLinePattern();

    [GeneratedRegex(@"^(?:DONE (?<seconds>[0-9.]+)s|(?<cached>CACHED)|ERROR:? ?(?<error>.*))$")]
    private static partial Regex Outcome();
}
