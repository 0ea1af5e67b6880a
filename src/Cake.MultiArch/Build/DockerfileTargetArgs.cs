using System.Text.RegularExpressions;

namespace Cake.MultiArch.Build;

/// <summary>
/// Finds the multi-platform trap in a Dockerfile: a stage that uses <c>$TARGETARCH</c> (or any of
/// BuildKit's automatic <c>TARGET*</c>/<c>BUILD*</c> arguments) without redeclaring it with
/// <c>ARG</c>. Those arguments reach only <c>FROM</c> lines; inside a stage that did not declare
/// them they expand to an empty string, and an "arm64" image can silently ship amd64 binaries.
/// </summary>
internal static partial class DockerfileTargetArgs
{
    private static readonly string[] AutomaticArgs =
    [
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    ];

    /// <summary>Lists each undeclared use, first use per stage and argument, as <c>line N: …</c>.</summary>
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

            if (stageLine == 0)
            {
                continue; // global ARGs before the first FROM
            }

            if (keyword == "ARG")
            {
                foreach (var name in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    declared.Add(name.Split('=')[0]);
                }

                continue;
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
