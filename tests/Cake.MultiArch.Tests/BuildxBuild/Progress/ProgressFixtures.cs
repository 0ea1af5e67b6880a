using System.Text.Json;
using Cake.MultiArch.BuildxBuild.Progress;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BuildxBuild.Progress;

/// <summary>The progress captured on the test bed (Fixtures/Data/progress, see its README) and how to read it.</summary>
internal static class ProgressFixtures
{
    public const string Secret = "s3cr3t-fixture-value";

    public const string RunCommand = "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"/bin/busybox uname -m; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo counted-$i\"]";

    public const string FailingRunCommand = "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo about to fail on $(/bin/busybox uname -m); exit 3\"]";

    public const string FailedRunError = "process \"/bin/busybox sh -c echo about to fail on $(/bin/busybox uname -m); exit 3\" did not complete successfully: exit code: 3";

    /// <summary>The last lines RawJsonProgress prints for rawjson-failing-run.txt: the RUN output, BuildKit's errors, then buildx's own text.</summary>
    public static readonly string[] FailedBuildTail =
    [
        "#6 0.356 about to fail on x86_64",
        "#3 0.378 about to fail on aarch64",
        "#6 ERROR: " + FailedRunError,
        "#3 ERROR: " + FailedRunError,
        "Dockerfile:4",
        "--------------------",
        "   2 |     ARG TARGETARCH",
        "   3 |     COPY busybox-${TARGETARCH} /bin/busybox",
        "   4 | >>> " + FailingRunCommand,
        "   5 |     ",
        "--------------------",
        "ERROR: failed to solve: " + FailedRunError,
    ];

    public static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    public static readonly Platform Arm64 = Platform.Parse("linux/arm64");

    public static readonly Platform[] TwoPlatforms = [Amd64, Arm64];

    public static string Path(string name) => TestPaths.Fixture("progress/" + name);

    public static string[] Lines(string name) => File.ReadAllLines(Path(name));

    /// <summary>The fixture with each SolveStatus document on one line, as <c>jq -c</c> prints it; other lines as they are.</summary>
    public static string[] CompactLines(string name)
    {
        var text = File.ReadAllText(Path(name));
        var lines = new List<string>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { AllowMultipleValues = true });
        var consumed = 0;
        while (JsonDocument.TryParseValue(ref reader, out var document))
        {
            using (document)
            {
                lines.Add(TestJson.Compact(document.RootElement));
            }

            consumed = (int)reader.BytesConsumed;
            if (text[consumed..].TrimStart().StartsWith('{') is false)
            {
                break;
            }
        }

        lines.AddRange(text[consumed..].Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return lines.ToArray();
    }

    public static (List<string> Lines, List<string> Warnings, BuildSummaryReader Reader) ReadRawJson(string name, IReadOnlyList<Platform> platforms, bool passThrough = false, string[]? lines = null)
    {
        var warnings = new List<string>();
        var reader = new RawJsonProgress(platforms, [Secret], warnings.Add, passThrough);
        var output = (lines ?? Lines(name)).SelectMany(reader.Read).ToList();
        return (output, warnings, reader);
    }

    public static (List<string> Lines, BuildSummaryReader Reader) ReadPlain(string name, IReadOnlyList<Platform> platforms)
    {
        var reader = new PlainProgress(platforms, [Secret]);
        return (Lines(name).SelectMany(reader.Read).ToList(), reader);
    }

    public static long Milliseconds(TimeSpan duration) => (long)Math.Round(duration.TotalMilliseconds);
}
