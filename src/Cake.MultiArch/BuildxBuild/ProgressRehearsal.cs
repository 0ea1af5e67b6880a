using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The end of a build's progress a cold process rehearses while its first build runs (see
/// <see cref="FirstUseRehearsal"/>): a two-platform build's rawjson progress, held in memory, is read
/// as buildx's stderr is, then summed up per platform and rendered as the summary line, so that
/// the summary the real build logs when docker exits is compiled by then.
/// </summary>
internal static class ProgressRehearsal
{
    private const string Started = "2026-01-01T00:00:00.000000000Z";
    private const string Done = "2026-01-01T00:00:00.500000000Z";

    /// <summary>buildx's rawjson for a cached two-platform build with a push, one document per line.</summary>
    private static readonly string[] Lines =
    [
        $$"""{"vertexes":[{"digest":"sha256:01","name":"[internal] load build definition from Dockerfile","started":"{{Started}}","completed":"{{Done}}"}]}""",
        $$"""{"statuses":[{"id":"transferring dockerfile:","vertex":"sha256:01","name":"transferring","current":29,"timestamp":"{{Done}}","started":"{{Started}}","completed":"{{Done}}"}]}""",
        $$"""{"vertexes":[{"digest":"sha256:02","name":"[linux/amd64 1/1] COPY app /app","started":"{{Started}}","completed":"{{Done}}","cached":true}]}""",
        $$"""{"vertexes":[{"digest":"sha256:03","name":"[linux/arm64 1/1] COPY app /app","started":"{{Started}}"}]}""",
        $$"""{"logs":[{"vertex":"sha256:03","stream":1,"data":"b2sK","timestamp":"{{Done}}"}]}""",
        $$"""{"vertexes":[{"digest":"sha256:03","name":"[linux/arm64 1/1] COPY app /app","started":"{{Started}}","completed":"{{Done}}"}]}""",
        $$"""{"vertexes":[{"digest":"sha256:04","name":"exporting to image","started":"{{Started}}","completed":"{{Done}}"}]}""",
    ];

    /// <summary>Reads the lines, sums them up and renders the summary.</summary>
    /// <returns>The summary's text.</returns>
    internal static string Summarize()
    {
        var reader = new RawJsonProgress([Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64")], [], _ => { });
        foreach (var line in Lines)
        {
            _ = reader.Read(line);
        }

        return reader.Summarize()?.ToString() ?? string.Empty;
    }
}
