using System.Text;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// BuildKit's word expansion (moby/buildkit <c>frontend/dockerfile/shell/lex.go</c>) for what the
/// preflight needs: <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>,
/// <c>${VAR:+alt}</c>, <c>${VAR+alt}</c>, <c>${VAR:?message}</c>, single quotes (literal), double
/// quotes, and the escape character. It also lists the variables a text refers to.
/// </summary>
internal static class DockerfileExpander
{
    /// <summary>Expands a word as BuildKit does for FROM, ARG, ENV, COPY and the like; quotes are removed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="escape">The escape character.</param>
    /// <param name="lookup">The value of a variable, or <see langword="null"/> when it is not set.</param>
    /// <returns>The expanded text.</returns>
    public static string Expand(string text, char escape, Func<string, string?> lookup) =>
        Run(text, escape, lookup, quotes: true, references: null);

    /// <summary>
    /// Lists the variables a text refers to, in order (a name once per reference). With
    /// <paramref name="quotes"/> false (RUN, whose shell may run single-quoted text through
    /// <c>sh -c</c>), single quotes do not hide a reference; an escaped <c>$</c> always does.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="escape">The escape character.</param>
    /// <param name="quotes">Whether single quotes make their content literal.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> References(string text, char escape, bool quotes = true)
    {
        var names = new List<string>();
        Run(text, escape, _ => null, quotes, names);
        return names;
    }

    private static string Run(string text, char escape, Func<string, string?> lookup, bool quotes, List<string>? references)
    {
        var output = references is null ? new StringBuilder(text.Length) : null; // listing names builds no text
        var i = 0;
        var inDouble = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == escape && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (!inDouble || next is '$' or '"' || next == escape)
                {
                    output?.Append(next);
                    i += 2;
                    continue;
                }

                output?.Append(c);
                i++;
                continue;
            }

            if (c == '\'' && !inDouble && quotes)
            {
                var close = text.IndexOf('\'', i + 1);
                close = close < 0 ? text.Length : close;
                output?.Append(text, i + 1, close - i - 1);
                i = close + 1;
                continue;
            }

            if (c == '"' && quotes)
            {
                inDouble = !inDouble;
                i++;
                continue;
            }

            if (c == '$' && i + 1 < text.Length)
            {
                i = Variable(text, i + 1, escape, lookup, quotes, references, output);
                continue;
            }

            output?.Append(c);
            i++;
        }

        return output?.ToString() ?? string.Empty;
    }

    // text[start] follows a '$'; returns the index after the reference.
    private static int Variable(string text, int start, char escape, Func<string, string?> lookup, bool quotes, List<string>? references, StringBuilder? output)
    {
        if (text[start] != '{')
        {
            var end = start;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_') && !(end == start && char.IsAsciiDigit(text[end])))
            {
                end++;
            }

            if (end == start)
            {
                output?.Append('$');
                return start;
            }

            var name = text[start..end];
            references?.Add(name);
            output?.Append(lookup(name) ?? string.Empty);
            return end;
        }

        var nameEnd = start + 1;
        while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] == '_'))
        {
            nameEnd++;
        }

        var variable = text[(start + 1)..nameEnd];
        var depth = 1;
        var close = nameEnd;
        while (close < text.Length && depth > 0)
        {
            depth += text[close] == '{' ? 1 : text[close] == '}' ? -1 : 0;
            close += depth > 0 ? 1 : 0;
        }

        if (variable.Length == 0 || close >= text.Length)
        {
            output?.Append(text, start - 1, Math.Min(text.Length, close + 1) - start + 1);
            return Math.Min(text.Length, close + 1);
        }

        references?.Add(variable);
        var value = lookup(variable);
        var modifier = text[nameEnd..close];
        var colon = modifier.StartsWith(':');
        var op = modifier.Length > (colon ? 1 : 0) ? modifier[colon ? 1 : 0] : '\0';
        var word = modifier.Length > (colon ? 2 : 1) ? modifier[(colon ? 2 : 1)..] : string.Empty;
        var set = colon ? !string.IsNullOrEmpty(value) : value is not null;
        var expanded = op is '-' or '+' or '?' ? Run(word, escape, lookup, quotes, references) : string.Empty;
        output?.Append(op switch
        {
            '-' => set ? value : expanded,
            '+' => set ? expanded : string.Empty,
            '?' => set ? value : string.Empty,
            _ => value ?? string.Empty,
        });
        return close + 1;
    }
}
