using System.Text.RegularExpressions;

namespace Cake.MultiArch.Build;

/// <summary>
/// Finds the multi-platform trap in a Dockerfile: a stage that uses <c>$TARGETARCH</c> (or any of
/// BuildKit's automatic <c>TARGET*</c>/<c>BUILD*</c> arguments) without redeclaring it with
/// <c>ARG</c>. Those arguments reach only <c>FROM</c> lines; inside a stage that did not declare
/// them they expand to an empty string, and an "arm64" image can silently ship amd64 binaries.
/// Also a declaration with a default value (<c>ARG TARGETARCH=amd64</c>), in a stage or before
/// the first <c>FROM</c>: the default replaces the value BuildKit sets for each platform.
/// </summary>
internal static partial class DockerfileTargetArgs
{
    private static readonly string[] AutomaticArgs =
    [
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    ];

    /// <summary>Lists each undeclared use (first use per stage and argument) and each default value given to an automatic argument, as <c>line N: …</c>.</summary>
    /// <param name="dockerfile">The Dockerfile's text.</param>
    /// <returns>The findings, in line order.</returns>
    public static IReadOnlyList<string> Find(string dockerfile)
    {
        var findings = new List<string>();
        string? stage = null;
        var stageLine = 0;
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (number, text) in Instructions(dockerfile))
        {
            var match = InstructionPattern().Match(text);
            if (!match.Success)
            {
                continue;
            }

            var keyword = match.Groups[1].Value.ToUpperInvariant();
            var rest = match.Groups[2].Value;
            if (keyword == "FROM")
            {
                var alias = FromAliasPattern().Match(rest);
                stage = alias.Success ? alias.Groups[1].Value : null;
                stageLine = number;
                declared.Clear();
                reported.Clear();
                continue;
            }

            if (keyword == "ARG")
            {
                foreach (var declaration in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var parts = declaration.Split('=', 2);
                    declared.Add(parts[0]);
                    if (parts.Length == 2 && Array.IndexOf(AutomaticArgs, parts[0]) >= 0)
                    {
                        var value = parts[1].Trim('"', '\'');
                        var scope = stageLine == 0 ? "before the first FROM (the global scope)" : stage is null ? $"in the stage that starts at line {stageLine}" : $"in stage '{stage}' (line {stageLine})";
                        findings.Add(
                            $"line {number}: ARG {declaration} {scope} gives BuildKit's automatic argument {parts[0]} a default value. The default replaces the value BuildKit sets for each platform, so every platform gets '{value}' and its binaries. Declare it without a value: 'ARG {parts[0]}'.");
                    }
                }

                continue;
            }

            if (stageLine == 0)
            {
                continue; // global scope: only ARG matters before the first FROM
            }

            foreach (Match use in VariablePattern().Matches(rest))
            {
                var name = use.Groups[1].Success ? use.Groups[1].Value : use.Groups[2].Value;
                if (Array.IndexOf(AutomaticArgs, name) < 0 || declared.Contains(name) || !reported.Add(name))
                {
                    continue;
                }

                var where = stage is null ? $"the stage that starts at line {stageLine}" : $"stage '{stage}' (line {stageLine})";
                findings.Add(
                    $"line {number}: {keyword} uses ${name} in {where}, which does not declare 'ARG {name}'. BuildKit passes {name} only to FROM lines, so here it expands to an empty string and every platform can get the same binaries. Add 'ARG {name}' after that stage's FROM.");
            }
        }

        return findings;
    }

    private static IEnumerable<(int Line, string Text)> Instructions(string dockerfile)
    {
        var lines = dockerfile.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = 0;
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (current.Length == 0)
            {
                if (trimmed.StartsWith('#') || trimmed.Length == 0)
                {
                    continue;
                }

                start = i + 1;
            }
            else if (trimmed.StartsWith('#'))
            {
                continue; // comment lines inside a continued instruction
            }

            var trimmedEnd = line.TrimEnd();
            if (trimmedEnd.EndsWith('\\'))
            {
                current.Append(trimmedEnd[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            yield return (start, current.ToString());
            current.Clear();
        }

        if (current.Length > 0)
        {
            yield return (start, current.ToString());
        }
    }

    [GeneratedRegex(@"^\s*([A-Za-z]+)\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"\s(?i:AS)\s+([^\s]+)\s*$")]
    private static partial Regex FromAliasPattern();

    [GeneratedRegex(@"(?<!\\)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariablePattern();
}
