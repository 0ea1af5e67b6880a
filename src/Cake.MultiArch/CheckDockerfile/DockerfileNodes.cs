using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// How BuildKit's parser shapes an instruction's arguments (moby/buildkit
/// <c>frontend/dockerfile/parser/line_parsers.go</c>): JSON arrays, name=value pairs, words, or the
/// whole text; and the instruction words it knows. Used to find what BuildKit refuses and to print
/// a document in BuildKit's dump format.
/// </summary>
internal static partial class DockerfileNodes
{
    /// <summary>The instructions BuildKit knows (any other is "unknown instruction").</summary>
    public static readonly string[] Known =
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ];

    /// <summary>Shapes the arguments of one instruction as BuildKit's parser does.</summary>
    /// <param name="keyword">The instruction, upper-case.</param>
    /// <param name="arguments">The arguments after the flags.</param>
    /// <param name="escape">The escape character.</param>
    /// <returns>The argument values, whether they came from a JSON array, or the reason BuildKit refuses them.</returns>
    public static (IReadOnlyList<string> Values, bool Json, string? Error) Shape(string keyword, string arguments, char escape)
    {
        try
        {
            return keyword switch
            {
                "ADD" or "COPY" or "VOLUME" => MaybeJson(arguments, list: true),
                "CMD" or "ENTRYPOINT" or "RUN" or "SHELL" => MaybeJson(arguments, list: false),
                "ENV" or "LABEL" => (NameValues(arguments, keyword, escape), false, null),
                "ARG" => (Words(arguments, escape), false, null),
                "EXPOSE" or "FROM" => (Whitespace(arguments), false, null),
                "HEALTHCHECK" => Health(arguments),
                "MAINTAINER" or "STOPSIGNAL" or "USER" or "WORKDIR" => (arguments.Length == 0 ? [] : [arguments], false, null),
                _ => ([string.Empty], false, null),
            };
        }
        catch (FormatException ex)
        {
            return ([], false, ex.Message);
        }
    }

    /// <summary>BuildKit's parser word splitting (<c>parseWords</c>): quotes and escapes stay in the words.</summary>
    /// <param name="text">The text.</param>
    /// <param name="escape">The escape character.</param>
    /// <returns>The words.</returns>
    public static IReadOnlyList<string> Words(string text, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = '\0';
        var blankOk = false;
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quote != '\0')
            {
                if (ch == escape && quote != '\'')
                {
                    if (i + 1 == text.Length)
                    {
                        quote = '\0';
                        continue; // an escape at the end is dropped
                    }

                    word.Append(ch).Append(text[++i]);
                    continue;
                }

                quote = ch == quote ? '\0' : quote;
                word.Append(ch);
                continue;
            }

            if (char.IsWhiteSpace(ch))
            {
                if (inWord && (blankOk || word.Length > 0))
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                inWord = blankOk = false;
                continue;
            }

            inWord = true;
            if (ch is '\'' or '"')
            {
                quote = ch;
                blankOk = true;
            }

            if (ch == escape)
            {
                if (i + 1 == text.Length)
                {
                    continue;
                }

                word.Append(ch);
                ch = text[++i];
            }

            word.Append(ch);
        }

        if (inWord && (blankOk || word.Length > 0))
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>Splits on runs of blanks (BuildKit's <c>[\t\v\f\r ]+</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The parts (none for an empty text).</returns>
    public static string[] Whitespace(string text) => text.Length == 0 ? [] : Blanks().Split(text);

    /// <summary>Splits an instruction line into its word, its leading <c>--flags</c> (quotes and escapes removed, <c>--</c> ends them) and the rest (BuildKit's <c>splitCommand</c>).</summary>
    /// <param name="line">The instruction, continuations joined.</param>
    /// <param name="escape">The escape character.</param>
    /// <returns>The parts.</returns>
    public static (string Keyword, IReadOnlyList<string> Flags, string Arguments) Split(string line, char escape)
    {
        var parts = Blanks().Split(line.Trim(), 2);
        if (parts.Length < 2)
        {
            return (parts[0], [], string.Empty);
        }

        var (rest, flags) = Flags(parts[1], escape);
        return (parts[0], flags, rest.Trim());
    }

    private static (string Remainder, List<string> Words) Flags(string line, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos < line.Length; pos++)
        {
            var ch = line[pos];
            if (!inWord)
            {
                if (char.IsWhiteSpace(ch))
                {
                    continue;
                }

                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                {
                    return (line[pos..], words);
                }

                inWord = true;
            }

            if (quote == '\0' && char.IsWhiteSpace(ch))
            {
                if (word.ToString() == "--")
                {
                    return (line[pos..], words);
                }

                if (blankOk || word.Length > 0)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                inWord = blankOk = false;
                continue;
            }

            if (quote == '\0' && ch is '\'' or '"')
            {
                quote = ch;
                blankOk = true;
                continue;
            }

            if (quote != '\0' && ch == quote)
            {
                quote = '\0';
                continue;
            }

            if (ch == escape)
            {
                if (pos + 1 == line.Length)
                {
                    quote = '\0';
                    continue; // an escape at the end is dropped
                }

                ch = line[++pos];
            }

            word.Append(ch);
        }

        if (inWord && word.ToString() != "--" && (blankOk || word.Length > 0))
        {
            words.Add(word.ToString());
        }

        return (string.Empty, words);
    }

    private static (IReadOnlyList<string>, bool, string?) MaybeJson(string arguments, bool list)
    {
        if (Json(arguments) is { } values)
        {
            return (values, true, null);
        }

        return list ? (Whitespace(arguments), false, null) : (arguments.Length == 0 ? [] : [arguments], false, null);
    }

    // A JSON array of strings, or null when the text is no JSON array; FormatException for an array of non-strings.
    private static string[]? Json(string arguments)
    {
        var text = arguments.TrimStart();
        if (!text.StartsWith('['))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var values = new List<string>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                values.Add(item.ValueKind == JsonValueKind.String
                    ? item.GetString()!
                    : throw new FormatException("when using JSON array syntax, arrays must be comprised of strings only"));
            }

            return [.. values];
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string> NameValues(string arguments, string keyword, char escape)
    {
        var words = Words(arguments, escape);
        var values = new List<string>();
        if (words.Count == 0)
        {
            return values;
        }

        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            var parts = Blanks().Split(arguments, 2);
            return parts.Length < 2 ? throw new FormatException($"{keyword} must have two arguments") : [parts[0], parts[1], string.Empty];
        }

        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw new FormatException($"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
            }

            values.AddRange([word[..eq], word[(eq + 1)..], "="]);
        }

        return values;
    }

    private static (IReadOnlyList<string>, bool, string?) Health(string arguments)
    {
        var sep = 0;
        while (sep < arguments.Length && !char.IsWhiteSpace(arguments[sep]))
        {
            sep++;
        }

        if (sep == 0)
        {
            return ([], false, null);
        }

        var (command, json, _) = MaybeJson(arguments[sep..].TrimStart(), list: false);
        return ([arguments[..sep], .. command], json, null);
    }

    [GeneratedRegex("[\t\v\f\r ]+")]
    private static partial Regex Blanks();
}
