using System.Text;
using System.Text.RegularExpressions;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// A Dockerfile parsed the way BuildKit's frontend reads it (moby/buildkit
/// <c>frontend/dockerfile/parser</c>), for what the preflight needs: parser directives
/// (<c># syntax=</c>, <c># escape=</c>, only at the top), comments, line continuations with the
/// escape character (comment and empty lines inside them skipped), heredocs on RUN, COPY and ADD,
/// leading <c>--flags</c>, global ARGs before the first FROM, and stages.
/// </summary>
internal sealed partial class DockerfileDocument
{
    private const int MaxLine = 65535;

    private static readonly string[] HeredocInstructions = ["RUN", "COPY", "ADD"];

    private DockerfileDocument(char escape, IReadOnlyDictionary<string, string> directives, IReadOnlyList<DockerfileInstruction> instructions, IReadOnlyList<DockerfileProblem> problems)
    {
        Escape = escape;
        Directives = directives;
        Instructions = instructions;
        Problems = problems;
        GlobalArgs = instructions.TakeWhile(i => i.Keyword != "FROM").Where(i => i.Keyword == "ARG").ToArray();
        var stages = new List<DockerfileStage>();
        for (var i = 0; i < instructions.Count; i++)
        {
            if (instructions[i].Keyword != "FROM")
            {
                continue;
            }

            var from = instructions[i];
            var body = instructions.Skip(i + 1).TakeWhile(x => x.Keyword != "FROM").ToArray();
            var words = DockerfileNodes.Whitespace(from.Arguments);
            var image = words.Length > 0 ? words[0] : string.Empty;
            var name = words.Length >= 3 && string.Equals(words[1], "AS", StringComparison.OrdinalIgnoreCase) ? words[2].ToLowerInvariant() : null;
            stages.Add(new DockerfileStage(stages.Count, name, from, image, from.Flag("platform"), body));
        }

        Stages = stages;
    }

    /// <summary>Gets whether the <c># check=skip=…</c> directive switches a rule off (<c>skip=all</c>: every rule but <see cref="DockerfileRules.ParseError"/>).</summary>
    /// <param name="rule">The rule id.</param>
    /// <returns>Whether the rule is skipped.</returns>
    public bool SkipsCheck(string rule)
    {
        if (rule == DockerfileRules.ParseError || !Directives.TryGetValue("check", out var check))
        {
            return false;
        }

        var skip = check.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("skip=", StringComparison.OrdinalIgnoreCase));
        var names = skip is null ? [] : skip[5..].Split(',').Select(n => n.Trim()).ToArray();
        return names.Contains(rule, StringComparer.Ordinal) || names.Contains("all", StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the escape character (<c>\</c>, or <c>`</c> with <c># escape=`</c>).</summary>
    public char Escape { get; }

    /// <summary>Gets the parser directives, keys lower-case (<c>syntax</c>, <c>escape</c>, <c>check</c>).</summary>
    public IReadOnlyDictionary<string, string> Directives { get; }

    /// <summary>Gets every instruction, in order.</summary>
    public IReadOnlyList<DockerfileInstruction> Instructions { get; }

    /// <summary>Gets the ARG instructions before the first FROM (the global scope).</summary>
    public IReadOnlyList<DockerfileInstruction> GlobalArgs { get; }

    /// <summary>Gets the stages, in order.</summary>
    public IReadOnlyList<DockerfileStage> Stages { get; }

    /// <summary>Gets what BuildKit would refuse: an unterminated heredoc, an invalid escape directive, an unknown instruction, a line over 64 KiB, arguments its parser rejects, no instruction at all.</summary>
    public IReadOnlyList<DockerfileProblem> Problems { get; }

    /// <summary>Parses a Dockerfile's text as BuildKit's parser does (<c>parser.Parse</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The document.</returns>
    public static DockerfileDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Lines(text);
        var problems = new List<DockerfileProblem>();
        var (directives, escape) = ReadDirectives(lines, problems);
        var instructions = new List<DockerfileInstruction>();
        var next = 0;
        while (next < lines.Count)
        {
            if (Encoding.UTF8.GetByteCount(lines[next]) > MaxLine)
            {
                problems.Add(new(next + 1, $"the line is {lines[next].Length} characters long; BuildKit reads lines of at most {MaxLine} (\"dockerfile line greater than max allowed size of {MaxLine}\"), so it stops reading there"));
                break;
            }

            var start = next + 1;
            var first = lines[next++].TrimStart();
            var (content, complete) = Continuation(first.StartsWith('#') ? string.Empty : first, escape);
            if (complete && content.Length == 0)
            {
                continue; // an empty line or a comment
            }

            var joined = new StringBuilder(content);
            while (!complete && next < lines.Count)
            {
                var line = lines[next++];
                if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
                {
                    continue; // comments and empty lines inside a continuation
                }

                (content, complete) = Continuation(line, escape);
                joined.Append(content);
            }

            instructions.Add(Complete(joined.ToString(), start, lines, ref next, escape, problems));
        }

        if (instructions.Count == 0 && problems.Count == 0)
        {
            problems.Add(new(Math.Max(1, lines.Count), "the file has no instruction (BuildKit: \"file with no instructions\"); expected at least a FROM"));
        }

        return new DockerfileDocument(escape, directives, instructions, problems);
    }

    // The lines as BuildKit's scanner gives them, without their line ends (a last empty line is no line).
    private static List<string> Lines(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0 && text.EndsWith('\n'))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count > 0 && lines[0].StartsWith('\uFEFF'))
        {
            lines[0] = lines[0][1..];
        }

        return lines.Count == 1 && lines[0].Length == 0 ? [] : lines;
    }

    private static (Dictionary<string, string> Directives, char Escape) ReadDirectives(List<string> lines, List<DockerfileProblem> problems)
    {
        var directives = DirectivesOf(lines);
        if (!directives.ContainsKey("check") && DirectivesOf(lines.SkipWhile(l => l.Trim().Length == 0)).TryGetValue("check", out var check))
        {
            directives["check"] = check; // BuildKit's check tests put '# check=' after an empty first line and it applies
        }

        if (!directives.TryGetValue("escape", out var value) || value is "\\" or "`")
        {
            return (directives, value is { Length: 1 } ? value[0] : '\\');
        }

        problems.Add(new(1, $"the escape directive is '{value}'; expected '\\' or '`'"));
        return (directives, '\\');
    }

    private static Dictionary<string, string> DirectivesOf(IEnumerable<string> lines)
    {
        var directives = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var match = DirectivePattern().Match(line);
            var key = match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
            if (key is not ("syntax" or "escape" or "check") || directives.ContainsKey(key))
            {
                break; // BuildKit stops looking at the first line that is not a new directive
            }

            directives[key] = match.Groups[2].Value;
        }

        return directives;
    }

    // BuildKit's continuation rule: the escape character last on the line (blanks after it allowed),
    // unless an escape character comes just before it (an escaped escape, "\\"), or alone on the line.
    private static (string Content, bool Complete) Continuation(string line, char escape)
    {
        var trimmed = line.AsSpan().TrimEnd(" \t");
        if (trimmed.Length > 0 && trimmed[^1] == escape && (trimmed.Length == 1 || trimmed[^2] != escape))
        {
            return (trimmed[..^1].ToString(), false);
        }

        return (line, true);
    }

    private static DockerfileInstruction Complete(string text, int line, List<string> lines, ref int next, char escape, List<DockerfileProblem> problems)
    {
        var (word, flagWords, rest) = DockerfileNodes.Split(text, escape);
        var keyword = word.ToUpperInvariant();
        var flags = flagWords.Select(f => f.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
            ? new KeyValuePair<string, string>(f[2..eq], f[(eq + 1)..])
            : new KeyValuePair<string, string>(f[2..], string.Empty)).ToArray();
        var (inner, innerRest) = (keyword, rest);
        if (keyword == "ONBUILD")
        {
            var nested = DockerfileNodes.Split(rest, escape);
            (inner, innerRest) = (nested.Keyword.ToUpperInvariant(), nested.Arguments); // ONBUILD RUN <<EOF holds a heredoc
        }

        var endLine = next;
        if (Array.IndexOf(DockerfileNodes.Known, keyword) < 0)
        {
            problems.Add(new(line, $"'{word}' is not an instruction (BuildKit: \"unknown instruction: {word}\"); expected one of {string.Join(", ", DockerfileNodes.Known)}"));
        }
        else if (DockerfileNodes.Shape(inner, innerRest, escape) is { Error: { } error })
        {
            problems.Add(new(line, $"{inner} cannot be read: {error}"));
        }

        var heredocs = new List<DockerfileHeredoc>();
        var canHold = Array.IndexOf(HeredocInstructions, inner) >= 0 && !DockerfileNodes.Shape(inner, innerRest, escape).Json;
        if (canHold && text.Contains("<<", StringComparison.Ordinal))
        {
            try
            {
                foreach (var (name, expand, chomp, descriptor) in DockerfileHeredocs.FromLine(text))
                {
                    heredocs.Add(ReadHeredoc(name, expand, chomp, descriptor, line, lines, ref next, problems));
                }
            }
            catch (FormatException ex)
            {
                problems.Add(new(line, $"a heredoc cannot be read: {ex.Message}"));
            }
        }

        return new DockerfileInstruction(keyword, flags, rest, line, heredocs.Count > 0 ? next : endLine, heredocs);
    }

    private static DockerfileHeredoc ReadHeredoc(string name, bool expand, bool chomp, int descriptor, int line, List<string> lines, ref int next, List<DockerfileProblem> problems)
    {
        var content = new StringBuilder();
        var first = next + 1;
        while (next < lines.Count)
        {
            var body = lines[next++];
            if ((chomp ? body.TrimStart('\t') : body) == name)
            {
                return new DockerfileHeredoc(name, chomp, expand, content.ToString(), first, descriptor);
            }

            content.Append(body).Append('\n');
        }

        problems.Add(new(line, $"the heredoc '{name}' is not closed (BuildKit: \"unterminated heredoc\"); expected a line '{name}' before the end of the file"));
        return new DockerfileHeredoc(name, chomp, expand, content.ToString(), first, descriptor);
    }

    [GeneratedRegex(@"^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$")]
    private static partial Regex DirectivePattern();


}
