using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docs;

/// <summary>The fenced code blocks of the README and docs/ pages, as a user copies them (a block indented under a list item loses its indentation).</summary>
internal static partial class DocBlocks
{
    /// <summary>Reads the blocks of one language from a page.</summary>
    /// <param name="page">The page, relative to the repository root, such as <c>docs/aliases/BuildxBuild.md</c>.</param>
    /// <param name="language">The fence's language, such as <c>csharp</c>.</param>
    /// <returns>The blocks' code, in page order.</returns>
    public static string[] Read(string page, string language) =>
        Fence().Matches(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, page)))
            .Where(m => m.Groups["lang"].Value == language)
            .Select(m => string.Join('\n', m.Groups["code"].Value.Split('\n').Select(l => l.StartsWith(m.Groups["indent"].Value, StringComparison.Ordinal) ? l[m.Groups["indent"].Value.Length..] : l)))
            .ToArray();

    [GeneratedRegex(@"^(?<indent> *)```(?<lang>[\w-]*)\n(?<code>.*?)^\k<indent>```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
