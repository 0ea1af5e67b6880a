using System.Globalization;
using System.Text;
using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch.Tests.CheckDockerfile;

/// <summary>
/// Prints a parsed document in BuildKit's AST dump format (the format of its parser test files'
/// <c>result</c>, described in peers/buildkit/parser-cases.json <c>dumpFormat</c>): one line per
/// instruction, <c>(keyword ["--flags"] "arg" …)</c>, each value quoted as Go's <c>strconv.Quote</c>.
/// </summary>
internal static class BuildKitDump
{
    public static string Dump(DockerfileDocument document) =>
        string.Concat(document.Instructions.Select(i => "(" + Node(i.Keyword, i.Flags.Select(Flag).ToArray(), i.Arguments, document.Escape) + ")\n"));

    private static string Node(string keyword, IReadOnlyList<string> flags, string arguments, char escape)
    {
        var text = new StringBuilder(keyword.ToLowerInvariant());
        if (flags.Count > 0)
        {
            text.Append(" [").AppendJoin(' ', flags.Select(Quote)).Append(']');
        }

        if (keyword == "ONBUILD")
        {
            var (inner, innerFlags, innerArguments) = DockerfileNodes.Split(arguments, escape);
            return arguments.Length == 0 ? text.ToString() : text.Append(" (").Append(Node(inner.ToUpperInvariant(), innerFlags, innerArguments, escape)).Append(')').ToString();
        }

        foreach (var value in DockerfileNodes.Shape(keyword, arguments, escape).Values)
        {
            text.Append(' ').Append(Quote(value));
        }

        return text.ToString();
    }

    private static string Flag(KeyValuePair<string, string> flag) => flag.Value.Length == 0 ? "--" + flag.Key : $"--{flag.Key}={flag.Value}";

    /// <summary>Go's <c>strconv.Quote</c>: \" \\ and the named control escapes, other controls as \xNN or \uNNNN, printable text kept.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            text.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                < 0x20 or 0x7f => string.Create(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"),
                _ when Rune.IsControl(rune) => string.Create(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"),
                _ => rune.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}
