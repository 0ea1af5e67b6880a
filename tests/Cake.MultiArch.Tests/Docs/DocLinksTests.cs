using System.Text.RegularExpressions;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Docs;

/// <summary>
/// Every relative link of README.md, CONTRIBUTING.md and docs/**.md resolves: the file or folder
/// exists inside the repository, and an <c>#anchor</c> names a heading of the target page (GitHub's
/// slug: lower case, punctuation dropped, spaces to hyphens). Links in code are not links.
/// </summary>
public sealed partial class DocLinksTests
{
    public static TheoryData<string> Pages()
    {
        var root = TestPaths.RepositoryRoot;
        var pages = new TheoryData<string>();
        foreach (var page in new[] { "README.md", "CONTRIBUTING.md" }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Fact]
    public void Should_Have_A_Page_For_Every_Alias_When_The_Docs_Are_Listed()
    {
        // Given
        string[] aliases = ["RegisterQemu", "EnsureBuilder", "RemoveBuilder", "BuildxVersion", "BuildxBuild", "CheckDockerfile", "VerifyManifest", "ImageMetadata", "PromoteImage", "MergeImages", "PushOciLayout", "ReadPushedImage", "WritePublishRecord"];

        // When
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));

        // Then: a page each, linked from the README's alias table (VerifyManifests shares VerifyManifest's page)
        Assert.All(aliases, a => Assert.True(File.Exists(Path.Combine(TestPaths.RepositoryRoot, "docs", "aliases", a + ".md")), a));
        Assert.All(aliases, a => Assert.Contains($"(docs/aliases/{a}.md)", readme, StringComparison.Ordinal));
        Assert.Contains("`VerifyManifests`", readme, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Should_Resolve_Every_Relative_Link_When_A_Page_Is_Read(string page)
    {
        // Given
        var root = Path.GetFullPath(TestPaths.RepositoryRoot);
        var file = Path.Combine(root, page);
        var text = CodeSpan().Replace(Fence().Replace(File.ReadAllText(file), string.Empty), string.Empty);

        // When
        var broken = new List<string>();
        var links = Link().Matches(text).Select(m => m.Groups["target"].Value).Where(t => !Regex.IsMatch(t, "^[a-z]+:", RegexOptions.IgnoreCase)).ToArray();
        foreach (var link in links)
        {
            var hash = link.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? link : link[..hash];
            var anchor = hash < 0 ? null : link[(hash + 1)..];
            var target = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !(File.Exists(target) || Directory.Exists(target)))
            {
                broken.Add($"{link}: no such file or folder in the repository");
            }
            else if (anchor is not null && !(target.EndsWith(".md", StringComparison.Ordinal) && Anchors(target).Contains(anchor)))
            {
                broken.Add($"{link}: no heading '#{anchor}' in {Path.GetRelativePath(root, target)}");
            }
        }

        // Then
        Assert.True(broken.Count == 0, $"{page}: " + string.Join("; ", broken));
    }

    private static HashSet<string> Anchors(string markdown) =>
        Heading().Matches(Fence().Replace(File.ReadAllText(markdown), string.Empty))
            .Select(m => Regex.Replace(m.Groups["title"].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", string.Empty).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^ *```.*?^ *```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} +(?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
