using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>
/// The metadata-action cases (meta-tags-labels.json) where ImageMetadata does not give the peer's result, each with
/// what we do instead: out of scope (a feature we do not offer, refused with a clear error naming it) or a difference
/// docs/metadata.md lists with its reason (our exact outcome). Every other case must agree.
/// </summary>
internal sealed class MetadataActionParity
{
    /// <summary>Features ImageMetadata does not offer (docs/metadata.md, "Differences from docker/metadata-action").</summary>
    public static readonly IReadOnlyDictionary<string, string[]> OutOfScope = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["push/push12"] = ["pep440"],
        ["push/push14"] = ["pep440"],
        ["tag/tag23"] = ["pep440"],
        ["tag/tag24"] = ["pep440"],
        ["tag/tag25"] = ["pep440"],
        ["tag/tag26"] = ["pep440"],
        ["tag/tag27"] = ["pep440"],
        ["tag/tag28"] = ["pep440"],
        ["tag/tag29"] = ["pep440"],
        ["tag/tag30"] = ["pep440"],
        ["tag/tag32"] = ["pep440"],
        ["tag/tag33"] = ["pep440"],
        ["tag/push35"] = ["pep440"],
        ["push/push17"] = ["commit_date", "base_ref"],
        ["push/push21"] = ["commit_date", "base_ref"],
        ["tag/tag20"] = ["base_ref"],
        ["pr/pr10"] = ["base_ref"],
        ["pr/pr11"] = ["base_ref"],
        ["pr-head-sha/pr10"] = ["base_ref"],
        ["pr-head-sha/pr11"] = ["base_ref"],
        ["release/release02"] = ["base_ref"],
        ["pr/pr12"] = ["commit_date"],
        ["pr-head-sha/pr12"] = ["commit_date"],
        ["schedule/schedule02"] = ["commit_date"],
        ["schedule/schedule08"] = ["commit_date"],
        ["release/release03"] = ["commit_date"],
    };

    /// <summary>Kept differences: the case id → the start of our error, or null when we make the peer's tags without <c>latest</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Differences = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        // No latest when the git tag is a pre-release (metadata-action adds it for match and ref tag rules).
        ["tag/tag07"] = null,
        ["tag/tag08"] = null,
        ["tag/tag09"] = null,
        ["latest/latest06"] = null,
        ["latest/latest10"] = null,

        // A group the pattern does not have is an error (metadata-action makes no tag, with a warning).
        ["tag/tag18"] = "ImageMetadata: a group the pattern does not have for Tags rule 'type=match,pattern=p1/v(\\d.\\d),group=3'",

        // enable= takes true or false; the script computes the condition.
        ["push/push19"] = "ImageMetadata: TagRule.Parse found an enable value '{{is_default_branch}}' that is not true or false",
        ["push/push22"] = "ImageMetadata: TagRule.Parse found an enable value '{{is_not_default_branch}}' that is not true or false",
        ["schedule/schedule06"] = "ImageMetadata: TagRule.Parse found an enable value '{{is_default_branch}}' that is not true or false",

        // Images are names; an image the build does not tag is left out of Images (no enable= attribute).
        ["push/push20"] = "ImageMetadata: an invalid image name for Images; expected a name such as 'ghcr.io/acme/app', found 'ghcr.io/user/app,enable=false'",
    };

    /// <summary>Cases that agree but for the OCI labels metadata-action writes with an empty value and we leave out (docs/metadata.md).</summary>
    public static readonly IReadOnlySet<string> EmptyOciLabels = new HashSet<string>(StringComparer.Ordinal) { "null/null01", "null/null02", "tag/tag10" };

    public static string Docs => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "metadata.md"));

    private MetadataActionParity(string id)
    {
        Id = id;
    }

    public string Id { get; }

    public static MetadataActionParity? Outcome(string id) =>
        OutOfScope.ContainsKey(id) || Differences.ContainsKey(id) ? new MetadataActionParity(id) : null;

    public void Check(MetadataActionCase testCase)
    {
        var (result, error, processes) = testCase.Run();
        Assert.Equal(0, processes);
        if (OutOfScope.TryGetValue(Id, out var features))
        {
            // The case uses the feature, and we refuse it naming it.
            var inputs = testCase.Inputs.GetRawText();
            Assert.All(features, f => Assert.Contains(f, inputs, StringComparison.Ordinal));
            Assert.True(error is not null, $"{Id}: accepted");
            Assert.StartsWith("ImageMetadata: ", error, StringComparison.Ordinal);
            Assert.True(new[] { "pep440", "commit_date", "base_ref", "is_default_branch" }.Any(f => error.Contains(f, StringComparison.Ordinal)), error);
            return;
        }

        Assert.Contains(Id, Docs, StringComparison.Ordinal);
        if (Differences[Id] is { } start)
        {
            Assert.True(error is not null && error.StartsWith(start, StringComparison.Ordinal), $"{Id}: {error ?? result!.ToString()}");
            return;
        }

        var peer = testCase.Expected.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.True(result is not null, $"{Id}: {error}");
        Assert.Equal(peer.Where(t => !t.EndsWith("latest", StringComparison.Ordinal)), result.Tags);
        Assert.NotEqual(peer, result.Tags);
    }
}
