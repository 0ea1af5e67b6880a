using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>
/// Reads buildx's progress while the build runs: turns each stderr line into the lines to log,
/// and at the end sums the steps up per platform.
/// </summary>
internal abstract class BuildSummaryReader
{
    private const int SlowestCount = 3;
    private readonly object _gate = new();
    private readonly Dictionary<string, BuildStep> _steps = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="BuildSummaryReader"/> class.</summary>
    /// <param name="requestedPlatforms">The platforms the build was asked for (none: the host's).</param>
    /// <param name="secrets">Values to keep out of every line and the summary.</param>
    protected BuildSummaryReader(IReadOnlyList<Platform> requestedPlatforms, IReadOnlyCollection<string> secrets)
    {
        RequestedPlatforms = requestedPlatforms;
        Redactor = new SecretRedactor(secrets);
    }

    /// <summary>Gets the platforms the build was asked for.</summary>
    protected IReadOnlyList<Platform> RequestedPlatforms { get; }

    /// <summary>Gets the redactor of the build's secret values (whole and line by line).</summary>
    internal SecretRedactor Redactor { get; }

    /// <summary>Gets a value indicating whether the build has several platforms, so that step names need theirs.</summary>
    protected bool MultiPlatform => RequestedPlatforms.Count > 1;

    /// <summary>Gets a value indicating whether the reader reads rawjson.</summary>
    protected abstract bool RawJson { get; }

    /// <summary>Reads one stderr line.</summary>
    /// <param name="line">The line as buildx printed it.</param>
    /// <returns>The lines to log (and keep for an error message) instead.</returns>
    public IReadOnlyList<string> Read(string line)
    {
        lock (_gate)
        {
            return ReadCore(line).Select(l => Redactor.Redact(l)).ToArray();
        }
    }

    /// <summary>Sums up the steps read so far.</summary>
    /// <returns>The summary, or <see langword="null"/> when no step was read.</returns>
    public virtual BuildSummary? Summarize()
    {
        lock (_gate)
        {
            var steps = _steps.Values.OrderBy(s => s.Number).ToArray();
            if (steps.Length == 0)
            {
                return null;
            }

            var byPlatform = steps.Where(s => s.IsDockerfileStep)
                .Select(s => (Step: s, Platform: PlatformOf(s)))
                .Where(x => x.Platform is not null)
                .GroupBy(x => x.Platform!.Value)
                .ToDictionary(g => g.Key, g => g.Select(x => x.Step).ToArray());
            var order = RequestedPlatforms.Concat(byPlatform.Keys).Distinct().Where(byPlatform.ContainsKey).ToArray();
            var platforms = order.Select(p => Summarize(p, byPlatform[p])).ToArray();
            return new BuildSummary(platforms, WallTime(steps), RawJson);
        }
    }

    /// <summary>Reads one line into the steps (under the reader's lock).</summary>
    /// <param name="line">The line.</param>
    /// <returns>The lines to log.</returns>
    protected abstract IEnumerable<string> ReadCore(string line);

    /// <summary>Finds the platform a step belongs to, or <see langword="null"/> for shared work.</summary>
    /// <param name="step">The step.</param>
    /// <returns>The platform.</returns>
    protected virtual Platform? PlatformOf(BuildStep step) =>
        step.NamedPlatform ?? (RequestedPlatforms.Count switch
        {
            0 => Platform.Host,
            1 => RequestedPlatforms[0],
            _ => (Platform?)null,
        });

    /// <summary>Measures a set of steps: the whole build, or one platform's steps.</summary>
    /// <param name="steps">The steps.</param>
    /// <returns>The wall time.</returns>
    protected abstract TimeSpan WallTime(IReadOnlyList<BuildStep> steps);

    /// <summary>Gets the step with this id, adding it when new.</summary>
    /// <param name="id">The digest or number.</param>
    /// <param name="isNew">Whether the step was added.</param>
    /// <returns>The step.</returns>
    protected BuildStep Step(string id, out bool isNew)
    {
        isNew = !_steps.TryGetValue(id, out var step);
        if (step is null)
        {
            step = new BuildStep(id, _steps.Count + 1);
            _steps[id] = step;
        }

        return step;
    }

    /// <summary>Finds a known step.</summary>
    /// <param name="id">The digest or number.</param>
    /// <returns>The step, or <see langword="null"/>.</returns>
    protected BuildStep? Find(string id) => _steps.GetValueOrDefault(id);

    private PlatformBuildSummary Summarize(Platform platform, IReadOnlyList<BuildStep> steps)
    {
        var emulated = Emulation.IsEmulated(platform);
        var ran = steps.Where(s => s.Finished && !s.Cached).ToArray();
        var slowest = ran.Where(s => s.Duration is not null)
            .OrderByDescending(s => s.Duration!.Value)
            .ThenBy(s => s.Number)
            .Take(SlowestCount)
            .Select(s => new BuildStepTiming(Redactor.Redact(s.NameWith(MultiPlatform ? platform : (Platform?)null)), s.Duration!.Value, emulated && s.IsRun))
            .ToArray();
        return new PlatformBuildSummary(platform, ran.Length, steps.Count(s => s.Cached), WallTime(steps), emulated, slowest);
    }
}
