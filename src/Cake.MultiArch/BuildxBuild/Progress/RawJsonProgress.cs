using System.Globalization;
using System.Text;
using System.Text.Json;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>
/// Reads <c>--progress=rawjson</c> (buildx 0.12 and later: one BuildKit SolveStatus JSON document
/// after another, indented over several lines by buildx 0.13) and prints a plain-style log from it:
/// <c>#N name</c> when a step starts, its output lines, <c>DONE 1.2s</c>/<c>CACHED</c>/<c>ERROR: …</c>,
/// and warnings. Unlike plain progress, every step is attributed to its platform by following
/// the vertices' inputs to one whose name carries it.
/// </summary>
internal sealed class RawJsonProgress : BuildSummaryReader
{
    private readonly bool _passThrough;
    private readonly Action<string> _warn;
    private readonly IReadOnlyCollection<string> _secrets;
    private readonly StringBuilder _document = new();
    private readonly Dictionary<string, StringBuilder> _partialLogs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _printedStatuses = new(StringComparer.Ordinal);
    private readonly HashSet<string> _announced = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Platform?> _platforms = new(StringComparer.Ordinal);
    private PlainProgress? _plain;
    private bool _sawDocument;
    private int _depth;
    private bool _inString;
    private bool _escaped;

    /// <summary>Initializes a new instance of the <see cref="RawJsonProgress"/> class.</summary>
    /// <param name="requestedPlatforms">The platforms the build was asked for.</param>
    /// <param name="secrets">Values to redact.</param>
    /// <param name="warn">Receives each BuildKit warning (already redacted), for a warning-level log.</param>
    /// <param name="passThrough">Whether the user asked for rawjson: the JSON lines are logged as they are and only read for the summary.</param>
    public RawJsonProgress(IReadOnlyList<Platform> requestedPlatforms, IReadOnlyCollection<string> secrets, Action<string> warn, bool passThrough = false)
        : base(requestedPlatforms, secrets)
    {
        _warn = warn;
        _passThrough = passThrough;
        _secrets = secrets;
    }

    /// <inheritdoc />
    protected override bool RawJson => true;

    /// <summary>Gets a value indicating whether buildx refused rawjson (buildx 0.11, <see cref="ProgressChoice.RawJsonRefusal"/>) before building anything.</summary>
    public bool Refused { get; private set; }

    /// <inheritdoc />
    protected override IEnumerable<string> ReadCore(string line)
    {
        if (_plain is not null)
        {
            return _plain.Read(line);
        }

        if (_document.Length == 0 && !line.TrimStart().StartsWith('{'))
        {
            if (!_passThrough && !_sawDocument && PlainProgress.IsStepLine(line))
            {
                // buildx 0.10 and earlier take a progress mode they do not know as plain: read it as such.
                _plain = new PlainProgress(RequestedPlatforms, _secrets);
                return _plain.Read(line);
            }

            // buildx's own text, such as the Dockerfile excerpt and "ERROR: failed to solve: …"; not
            // buildx 0.11's refusal of rawjson, which BuildxBuild answers by building again with plain progress.
            if (!_passThrough && line.Contains(ProgressChoice.RawJsonRefusal, StringComparison.Ordinal))
            {
                Refused = true;
                return [];
            }

            return [line];
        }

        _sawDocument = true;
        _document.Append(line).Append('\n');
        Scan(line);
        if (_depth > 0)
        {
            return _passThrough ? [line] : [];
        }

        var text = _document.ToString();
        _document.Clear();
        _inString = false;
        _escaped = false;
        IEnumerable<string> rendered;
        try
        {
            using var document = JsonDocument.Parse(text);
            rendered = document.RootElement.ValueKind == JsonValueKind.Object ? Render(document.RootElement) : [];
        }
        catch (JsonException)
        {
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries); // not a SolveStatus after all: show it as it came
        }

        return _passThrough ? [line] : rendered;
    }

    /// <inheritdoc />
    public override BuildSummary? Summarize() => _plain is { } plain ? plain.Summarize() : base.Summarize();

    /// <inheritdoc />
    protected override Platform? PlatformOf(BuildStep step)
    {
        if (RequestedPlatforms.Count <= 1 || step.NamedPlatform is not null)
        {
            return base.PlatformOf(step);
        }

        if (_platforms.TryGetValue(step.Id, out var known))
        {
            return known;
        }

        // A step without a platform in its name (the final stage's "[2/2] RUN …") reads the
        // vertices before it: the first ancestor named "[linux/arm64 …]" tells its platform.
        var seen = new HashSet<string>(StringComparer.Ordinal) { step.Id };
        var queue = new Queue<string>(step.Inputs);
        Platform? found = null;
        while (found is null && queue.TryDequeue(out var id))
        {
            if (!seen.Add(id) || Find(id) is not { } input)
            {
                continue;
            }

            found = input.NamedPlatform;
            foreach (var next in input.Inputs)
            {
                queue.Enqueue(next);
            }
        }

        if (found is not null)
        {
            _platforms[step.Id] = found;
        }

        return found;
    }

    /// <inheritdoc />
    protected override TimeSpan WallTime(IReadOnlyList<BuildStep> steps)
    {
        var started = steps.Where(s => s.Started is not null).Select(s => s.Started!.Value).ToArray();
        var completed = steps.Where(s => s.Completed is not null).Select(s => s.Completed!.Value).ToArray();
        return started.Length == 0 || completed.Length == 0 ? TimeSpan.Zero : completed.Max() - started.Min();
    }

    private void Scan(string line)
    {
        foreach (var c in line)
        {
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (c == '\\')
                {
                    _escaped = true;
                }
                else if (c == '"')
                {
                    _inString = false;
                }
            }
            else if (c == '"')
            {
                _inString = true;
            }
            else if (c is '{' or '[')
            {
                _depth++;
            }
            else if (c is '}' or ']')
            {
                _depth--;
            }
        }
    }

    private List<string> Render(JsonElement status)
    {
        var lines = new List<string>();
        foreach (var vertex in Items(status, "vertexes"))
        {
            RenderVertex(vertex, lines);
        }

        foreach (var item in Items(status, "statuses"))
        {
            if (Text(item, "vertex") is { } digest && Find(digest) is { } step && Text(item, "id") is { } id
                && Time(item, "completed") is { } completed && _printedStatuses.Add(digest + "\n" + id))
            {
                lines.Add(Time(item, "started") is { } started
                    ? $"#{step.Number} {id} {BuildSummary.FormatDuration(completed - started)} done"
                    : $"#{step.Number} {id} done");
            }
        }

        foreach (var log in Items(status, "logs"))
        {
            if (Text(log, "vertex") is { } digest && Find(digest) is { } step && Text(log, "data") is { } data)
            {
                var key = digest + "\n" + (log.TryGetProperty("stream", out var s) ? s.ToString() : "1");
                var buffer = _partialLogs.TryGetValue(key, out var b) ? b : _partialLogs[key] = new StringBuilder();
                buffer.Append(Decode(data));
                var text = buffer.ToString();
                var end = text.LastIndexOf('\n');
                if (end >= 0)
                {
                    buffer.Remove(0, end + 1);
                    var offset = step.Started is { } started && Time(log, "timestamp") is { } at
                        ? (at - started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " "
                        : string.Empty;
                    lines.AddRange(text[..end].Split('\n').Select(l => $"#{step.Number} {offset}{l.TrimEnd('\r')}"));
                }
            }
        }

        foreach (var warning in Items(status, "warnings"))
        {
            var text = new StringBuilder("WARNING: ").Append(Text(warning, "short") is { } shortText ? Decode(shortText) : "(no text)");
            foreach (var detail in Items(warning, "detail"))
            {
                if (detail.ValueKind == JsonValueKind.String)
                {
                    text.Append(System.Environment.NewLine).Append("  ").Append(Decode(detail.GetString()!));
                }
            }

            if (Text(warning, "url") is { Length: > 0 } url)
            {
                text.Append(System.Environment.NewLine).Append("  More info: ").Append(url);
            }

            if (!_passThrough)
            {
                _warn(Redactor.Redact(text.ToString()));
            }
        }

        return lines;
    }

    private void RenderVertex(JsonElement vertex, List<string> lines)
    {
        if (Text(vertex, "digest") is not { } digest)
        {
            return;
        }

        var step = Step(digest, out _);
        if (Text(vertex, "name") is { } name)
        {
            step.Name = name;
        }

        if (vertex.TryGetProperty("inputs", out var inputs) && inputs.ValueKind == JsonValueKind.Array)
        {
            step.Inputs = inputs.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToArray();
        }

        var started = Time(vertex, "started");
        var completed = Time(vertex, "completed");
        if (started is not null)
        {
            step.Started = started;
        }

        step.Completed = completed;
        step.Cached |= vertex.TryGetProperty("cached", out var cached) && cached.ValueKind == JsonValueKind.True;
        step.Error = Text(vertex, "error") ?? step.Error;
        if (completed is null && started is not null)
        {
            step.Finished = false; // started (again)
        }

        if ((started is not null || step.Cached) && _announced.Add(digest))
        {
            lines.Add($"#{step.Number} {step.NameWith(MultiPlatform ? PlatformOf(step) : null)}");
        }

        if (completed is not null && !step.Finished)
        {
            step.Finished = true;
            if (!step.IsDockerfileStep && !step.Cached && step.Error is null && step.Duration < TimeSpan.FromMilliseconds(1))
            {
                return; // BuildKit opens internal work such as "load build definition" for a few microseconds, then starts it again: one DONE, at the real end
            }

            foreach (var (_, buffer) in _partialLogs.Where(p => p.Key.StartsWith(digest + "\n", StringComparison.Ordinal) && p.Value.Length > 0))
            {
                lines.Add($"#{step.Number} {buffer.ToString().TrimEnd('\r')}");
                buffer.Clear();
            }

            lines.Add(step.Error is { } error
                ? $"#{step.Number} ERROR: {error}"
                : step.Cached ? $"#{step.Number} CACHED" : $"#{step.Number} DONE {BuildSummary.FormatDuration(step.Duration ?? TimeSpan.Zero)}");
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return base64;
        }
    }
}
