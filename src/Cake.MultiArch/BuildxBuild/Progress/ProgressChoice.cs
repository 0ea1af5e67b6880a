namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>Chooses the <c>--progress</c> a build asks for and the reader of what buildx prints.</summary>
internal static class ProgressChoice
{
    /// <summary>The first buildx with <c>--progress=rawjson</c>.</summary>
    public static readonly Version RawJsonVersion = new(0, 12, 0);

    /// <summary>Tells whether <see cref="Choose"/> asks for buildx's version: when the settings choose no progress and no quiet build.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns><see langword="true"/> when the version decides the progress.</returns>
    public static bool NeedsVersion(BuildxBuildSettings settings) => settings.Progress is null && !settings.Quiet;

    /// <summary>
    /// Chooses the user's progress when set (rawjson is then logged as it comes), else rawjson
    /// rendered as readable lines where buildx has it (0.12+), else plain.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="secrets">The values to keep out of the log.</param>
    /// <param name="buildxVersion">Reads buildx's version, or returns <see langword="null"/> when it cannot; asked only when the settings choose no progress.</param>
    /// <param name="warn">Logs a warning about the progress stream.</param>
    /// <returns>The progress to pass when the settings name none, and the reader (none for quiet).</returns>
    public static (BuildProgress? Default, BuildSummaryReader? Reader) Choose(BuildxBuildSettings settings, IReadOnlyCollection<string> secrets, Func<Version?> buildxVersion, Action<string> warn)
    {
        switch (settings.Progress)
        {
            case BuildProgress.Quiet:
            case null when settings.Quiet: // "progress=rawjson and quiet cannot be used together"
                return (null, null);
            case BuildProgress.RawJson:
                return (null, new RawJsonProgress(settings.Platforms.ToArray(), secrets, warn, passThrough: true));
            case not null:
                return (null, new PlainProgress(settings.Platforms.ToArray(), secrets));
        }

        return buildxVersion() is { } version && version >= RawJsonVersion
            ? (BuildProgress.RawJson, new RawJsonProgress(settings.Platforms.ToArray(), secrets, warn))
            : (null, new PlainProgress(settings.Platforms.ToArray(), secrets));
    }
}
