using System.Collections.Concurrent;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>
/// Chooses the <c>--progress</c> a build asks for and the reader of what buildx prints. With no
/// progress in the settings a build asks for rawjson, read into readable lines and a per-platform
/// summary, without asking buildx its version first (a process less before every cold build):
/// buildx 0.12 and later print rawjson; buildx 0.10 and earlier take a mode they do not know as
/// plain, which <see cref="RawJsonProgress"/> notices and reads as plain; buildx 0.11 refuses it
/// before it builds anything (<see cref="RawJsonRefusal"/>), and the build runs again with plain
/// progress — once per docker in a process: the refusal is kept (<see cref="NoteRefusal"/>).
/// </summary>
internal static class ProgressChoice
{
    /// <summary>The first buildx with <c>--progress=rawjson</c>.</summary>
    public static readonly Version RawJsonVersion = new(0, 12, 0);

    /// <summary>buildx 0.11's error for <c>--progress=rawjson</c> (docker/buildx v0.11.2, commands/build.go, toProgress), printed before it builds anything.</summary>
    public const string RawJsonRefusal = "progress=rawjson is not a valid progress option";

    private static readonly ConcurrentDictionary<string, bool> RefusedBy = new(StringComparer.Ordinal);

    /// <summary>Tells whether this docker refused rawjson earlier in this process.</summary>
    /// <param name="docker">The docker's identity (<see cref="Docker.DockerTarget.Identity"/>), or <see langword="null"/> when it has none.</param>
    /// <returns><see langword="true"/> when it did.</returns>
    public static bool Refused(string? docker) => docker is not null && RefusedBy.ContainsKey(docker);

    /// <summary>Keeps, for the process, that this docker refused rawjson.</summary>
    /// <param name="docker">The docker's identity, or <see langword="null"/> (then nothing is kept).</param>
    public static void NoteRefusal(string? docker)
    {
        if (docker is not null)
        {
            RefusedBy[docker] = true;
        }
    }

    /// <summary>Whether <see cref="Choose"/> reads these settings' progress as rawjson (unless this buildx refused it): rawjson asked for, or no progress named and not quiet.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>Whether a rawjson reader sums the build up.</returns>
    public static bool ReadsRawJson(BuildxBuildSettings settings) =>
        settings.Progress == BuildProgress.RawJson || (settings.Progress is null && !settings.Quiet);

    /// <summary>Chooses the user's progress when set (rawjson is then logged as it comes), else rawjson rendered as readable lines unless this buildx refused it, else plain.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="secrets">The values to keep out of the log.</param>
    /// <param name="rawJsonRefused">Whether this buildx refused rawjson (buildx 0.11).</param>
    /// <param name="warn">Logs a warning about the progress stream.</param>
    /// <returns>The progress to pass when the settings name none, and the reader (none for quiet).</returns>
    public static (BuildProgress? Default, BuildSummaryReader? Reader) Choose(BuildxBuildSettings settings, IReadOnlyCollection<string> secrets, bool rawJsonRefused, Action<string> warn)
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

        return rawJsonRefused
            ? (null, new PlainProgress(settings.Platforms.ToArray(), secrets))
            : (BuildProgress.RawJson, new RawJsonProgress(settings.Platforms.ToArray(), secrets, warn));
    }
}
