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
    private static readonly string[] HeredocInstructions = ["RUN", "COPY", "ADD"];

    private DockerfileDocument(char escape, IReadOnlyDictionary<string, string> directives, IReadOnlyList<DockerfileInstruction> instructions, IReadOnlyList<string> problems)
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
            var words = Words(from.Arguments);
            var image = words.Count > 0 ? words[0] : string.Empty;
            var name = words.Count >= 3 && string.Equals(words[1], "AS", StringComparison.OrdinalIgnoreCase) ? words[2].ToLowerInvariant() : null;
            stages.Add(new DockerfileStage(stages.Count, name, from, image, from.Flag("platform"), body));
        }

        Stages = stages;
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

    /// <summary>Gets what the parser could not read (an unterminated heredoc, an invalid escape directive).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Parses a Dockerfile's text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The document.</returns>
    public static DockerfileDocument Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var problems = new List<string>();
        var directives = new Dictionary<string, string>(StringComparer.Ordinal);
        var escape = '\\';
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

        if (directives.TryGetValue("escape", out var escapeValue))
        {
            if (escapeValue is "\\" or "`")
            {
                escape = escapeValue[0];
            }
            else
            {
                problems.Add($"line 1: the escape directive is '{escapeValue}'; expected '\\' or '`'.");
            }
        }

        var instructions = new List<DockerfileInstruction>();
        var current = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.AsSpan().TrimStart(" \t");
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue; // comments and empty lines, also inside a continued instruction
            }

            if (current.Length == 0)
            {
                start = i + 1;
            }

            var end = line.AsSpan().TrimEnd(" \t");
            if (end.Length > 0 && end[^1] == escape)
            {
                current.Append(end[..^1]);
                if (i < lines.Length - 1)
                {
                    continue;
                }
            }
            else
            {
                current.Append(line);
            }

            var (instruction, last) = Complete(current.ToString(), start, i + 1, lines, problems);
            if (instruction is not null)
            {
                instructions.Add(instruction);
            }

            current.Clear();
            i = last - 1;
        }

        return new DockerfileDocument(escape, directives, instructions, problems);
    }

    /// <summary>Splits text into whitespace-separated words, keeping quoted parts (and their quotes) together.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The words.</returns>
    internal static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                word.Append(c);
                quote = c == quote ? '\0' : quote;
            }
            else if (c is ' ' or '\t' or '\n')
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                quote = c is '"' or '\'' ? c : '\0';
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static (DockerfileInstruction? Instruction, int LastLine) Complete(string text, int line, int endLine, string[] lines, List<string> problems)
    {
        var match = InstructionPattern().Match(text);
        if (!match.Success)
        {
            problems.Add($"line {line}: '{text.Trim()}' is not an instruction.");
            return (null, endLine);
        }

        var keyword = match.Groups[1].Value.ToUpperInvariant();
        var rest = match.Groups[2].Value.Trim();
        var flags = new List<KeyValuePair<string, string>>();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var space = rest.IndexOfAny([' ', '\t']);
            var flag = space < 0 ? rest : rest[..space];
            rest = space < 0 ? string.Empty : rest[space..].TrimStart();
            var eq = flag.IndexOf('=', StringComparison.Ordinal);
            flags.Add(eq < 0 ? new(flag[2..], string.Empty) : new(flag[2..eq], flag[(eq + 1)..]));
        }

        var heredocs = new List<DockerfileHeredoc>();
        if (Array.IndexOf(HeredocInstructions, keyword) >= 0 && !rest.StartsWith('['))
        {
            foreach (Match marker in HeredocPattern().Matches(rest))
            {
                var name = marker.Groups[3].Success ? marker.Groups[3].Value : marker.Groups[4].Success ? marker.Groups[4].Value : marker.Groups[5].Value;
                var strip = marker.Groups[2].Value == "-";
                var content = new StringBuilder();
                var first = endLine + 1;
                var closed = false;
                while (endLine < lines.Length)
                {
                    var body = lines[endLine++];
                    var candidate = strip ? body.TrimStart('\t') : body;
                    if (candidate == name)
                    {
                        closed = true;
                        break;
                    }

                    content.Append(candidate).Append('\n');
                }

                if (!closed)
                {
                    problems.Add($"line {line}: the heredoc '{name}' is not closed; expected a line '{name}' before the end of the file.");
                }

                heredocs.Add(new DockerfileHeredoc(name, strip, !marker.Groups[3].Success && !marker.Groups[4].Success, content.ToString(), first));
            }
        }

        return (new DockerfileInstruction(keyword, flags, rest, line, endLine, heredocs), endLine);
    }

    [GeneratedRegex(@"^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$")]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z0-9_]*)(?:\s+(.*))?\s*$", RegexOptions.Singleline)]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"(?:^|\s)(\d*)<<(-?)(?:""([A-Za-z0-9_.-]+)""|'([A-Za-z0-9_.-]+)'|([A-Za-z_][A-Za-z0-9_.-]*))")]
    private static partial Regex HeredocPattern();
}
