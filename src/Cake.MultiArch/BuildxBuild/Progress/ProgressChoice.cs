using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Docker;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch.BuildxBuild;

/// <content>Choosing and reading buildx's progress, and logging the build summary.</content>
public sealed partial class BuildxBuildRunner
{
    /// <summary>The first buildx with <c>--progress=rawjson</c>.</summary>
    internal static readonly Version RawJsonVersion = new(0, 12, 0);

    /// <summary>
    /// Chooses the <c>--progress</c> to ask for and the reader of what it prints: the user's choice
    /// when set (rawjson is then logged as it comes), else rawjson rendered as readable lines where
    /// buildx has it (0.12+), else plain.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="secrets">The values to keep out of the log.</param>
    /// <returns>The progress to pass when the settings name none, and the reader (none for quiet).</returns>
    internal (BuildProgress? Default, BuildSummaryReader? Reader) ChooseProgress(BuildxBuildSettings settings, IReadOnlyCollection<string> secrets)
    {
        void Warn(string text) => Log.Warning("BuildxBuild: {0}", text);
        switch (settings.Progress)
        {
            case BuildProgress.Quiet:
            case null when settings.Quiet: // "progress=rawjson and quiet cannot be used together"
                return (null, null);
            case BuildProgress.RawJson:
                return (null, new RawJsonProgress(settings.Platforms.ToArray(), secrets, Warn, passThrough: true));
            case not null:
                return (null, new PlainProgress(settings.Platforms.ToArray(), secrets));
        }

        return ReadBuildxVersion(settings) is { } version && version.Version >= RawJsonVersion
            ? (BuildProgress.RawJson, new RawJsonProgress(settings.Platforms.ToArray(), secrets, Warn))
            : (null, new PlainProgress(settings.Platforms.ToArray(), secrets));
    }

    private BuildxVersionResult? ReadBuildxVersion(BuildxBuildSettings settings)
    {
        try
        {
            var result = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
            return BuildxVersionResult.Parse(string.Join('\n', result.Output));
        }
        catch (CakeException ex)
        {
            Log.Verbose("BuildxBuild: could not read the buildx version, so progress stays plain: {0}", ex.Message);
            return null;
        }
    }

    private void LogSummary(BuildSummary? summary)
    {
        if (summary is not null)
        {
            Log.Information("BuildxBuild: {0}", summary);
        }
    }
}
