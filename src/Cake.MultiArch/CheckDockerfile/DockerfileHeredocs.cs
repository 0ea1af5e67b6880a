using System.Globalization;
using System.Text.RegularExpressions;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// Finds the heredocs an instruction line opens, as BuildKit's parser does
/// (<c>heredocsFromLine</c>, <c>ParseHeredoc</c>): the line is split into shell words keeping
/// quotes and escapes; a word <c>[n]&lt;&lt;[-][blanks]name</c> opens a heredoc whose name is the
/// word read by the shell (quotes and escapes removed), expanded only when no part of it is quoted.
/// </summary>
internal static partial class DockerfileHeredocs
{
    /// <summary>Lists the heredocs a line opens, in order.</summary>
    /// <param name="line">The instruction line (the instruction word included).</param>
    /// <returns>Each heredoc's name, whether its content is expanded, whether leading tabs are removed (<c>&lt;&lt;-</c>), and its file descriptor.</returns>
    /// <exception cref="FormatException">A heredoc word with an unterminated quote (BuildKit's message).</exception>
    public static IReadOnlyList<(string Name, bool Expand, bool Chomp, int Descriptor)> FromLine(string line)
    {
        IReadOnlyList<string> words;
        try
        {
            words = DockerfileLexer.Words(line, '\\', _ => null, rawQuotes: true, rawEscapes: true, skipUnset: true);
        }
        catch (FormatException)
        {
            return []; // BuildKit ignores a line its lexer cannot split
        }

        var found = new List<(string, bool, bool, int)>();
        foreach (var word in words)
        {
            if (Parse(word) is { } heredoc)
            {
                found.Add(heredoc);
            }
        }

        return found;
    }

    /// <summary>Reads one word as a heredoc opener.</summary>
    /// <param name="word">The word, quotes and escapes kept.</param>
    /// <returns>The heredoc, or <see langword="null"/> when the word opens none.</returns>
    /// <exception cref="FormatException">An unterminated quote in the name.</exception>
    public static (string Name, bool Expand, bool Chomp, int Descriptor)? Parse(string word)
    {
        var match = Opener().Match(word);
        if (!match.Success || match.Groups[3].Length == 0)
        {
            return null;
        }

        var rest = match.Groups[3].Value;
        var plain = DockerfileLexer.Words(rest, '\\', _ => null, skipUnset: true);
        if (plain.Count != 1)
        {
            return null;
        }

        var raw = DockerfileLexer.Words(rest, '\\', _ => null, rawQuotes: true, skipUnset: true);
        if (raw.Count != 1)
        {
            throw new FormatException($"internal lexing of heredoc produced inconsistent results: {rest}");
        }

        var expand = Quotes(plain[0]) == Quotes(raw[0]);
        var descriptor = match.Groups[1].Length == 0 ? 0 : int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return (plain[0], expand, match.Groups[2].Length == 1, descriptor);
    }

    /// <summary>Removes each line's leading tabs (what <c>&lt;&lt;-</c> asks for).</summary>
    /// <param name="content">The content.</param>
    /// <returns>The content without leading tabs.</returns>
    public static string Chomp(string content) => LeadingTabs().Replace(content, string.Empty);

    private static int Quotes(string word) => word.Count(c => c is '\'' or '"');

    [GeneratedRegex(@"^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$")]
    private static partial Regex Opener();

    [GeneratedRegex("(?m)^\t+")]
    private static partial Regex LeadingTabs();
}
