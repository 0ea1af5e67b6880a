using Cake.Core;

namespace Cake.MultiArch.Docker;

/// <summary>One builder in <c>docker buildx ls</c>.</summary>
/// <param name="Name">The builder's name.</param>
/// <param name="Driver">Its driver (<c>docker-container</c>, <c>docker</c>, <c>remote</c>, <c>kubernetes</c>), or <see langword="null"/> when the line has none.</param>
/// <param name="IsCurrent">Whether buildx marks it as the current builder (<c>*</c>).</param>
internal sealed record BuildxLsEntry(string Name, string? Driver, bool IsCurrent);

/// <summary>
/// Parses the table <c>docker buildx ls</c> prints, both layouts: buildx before 0.13
/// (<c>testbed *      remote</c>, nodes indented by two spaces) and 0.13 and later
/// (<c>default*      docker</c>, nodes under <c> \_ </c>).
/// </summary>
internal static class BuildxLsParser
{
    /// <summary>Parses the builders (node lines are skipped).</summary>
    /// <param name="text">What <c>docker buildx ls</c> printed on stdout (a leading <c>$ command</c> line is ignored).</param>
    /// <returns>The builders, in the order listed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="CakeException">The text has no <c>NAME/NODE</c> header line.</exception>
    public static IReadOnlyList<BuildxLsEntry> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<BuildxLsEntry>();
        var header = false;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (!header)
            {
                header = line.StartsWith("NAME/NODE", StringComparison.Ordinal);
                continue;
            }

            if (line.Length == 0 || char.IsWhiteSpace(line[0]))
            {
                continue; // a node line, or blank
            }

            var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            var name = tokens[0];
            var next = 1;
            var current = false;
            if (name.EndsWith('*'))
            {
                current = true;
                name = name.TrimEnd('*');
            }
            else if (tokens.Length > 1 && tokens[1] == "*")
            {
                current = true;
                next = 2;
            }

            if (name.Length > 0)
            {
                entries.Add(new BuildxLsEntry(name, tokens.Length > next ? tokens[next] : null, current));
            }
        }

        if (!header)
        {
            throw new CakeException($"EnsureBuilder: could not read 'docker buildx ls' output; expected a 'NAME/NODE' header line, found: {BuildxInspectParser.Shorten(text)}");
        }

        return entries;
    }

    /// <summary>Gets the current builder's name, or <see langword="null"/> when none is marked.</summary>
    /// <param name="text">What <c>docker buildx ls</c> printed.</param>
    /// <returns>The name.</returns>
    /// <exception cref="CakeException">The text has no <c>NAME/NODE</c> header line.</exception>
    public static string? Current(string text) => Parse(text).FirstOrDefault(e => e.IsCurrent)?.Name;
}
