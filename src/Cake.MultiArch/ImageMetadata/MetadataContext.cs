namespace Cake.MultiArch.ImageMetadata;

/// <summary>
/// What the build knows about its source: read from the CI system (GitHub Actions, GitLab CI,
/// Azure Pipelines) and the git repository, each value overridable in <see cref="ImageMetadataSettings"/>.
/// </summary>
/// <param name="Provider">Where the values came from: <c>GitHubActions</c>, <c>GitLabCI</c>, <c>AzurePipelines</c> or <c>Local</c>.</param>
/// <param name="Ref">The full git ref: <c>refs/heads/NAME</c>, <c>refs/tags/NAME</c> or <c>refs/pull/N/merge</c>; <see langword="null"/> on a detached HEAD without a tag.</param>
/// <param name="Sha">The commit built.</param>
/// <param name="DefaultBranch">The repository's default branch, or <see langword="null"/> when unknown.</param>
/// <param name="EventName">The event: <c>push</c>, <c>pull_request</c>, <c>schedule</c>, …</param>
/// <param name="PullRequestNumber">The pull (merge) request number, or <see langword="null"/>.</param>
/// <param name="PullRequestHeadSha">The pull request's head commit (the sha tag and revision use it instead of the merge commit).</param>
/// <param name="Timestamp">The build time (<c>created</c>, schedule dates).</param>
/// <param name="RepositoryUrl">The repository's web address (<c>url</c>, <c>source</c>), or <see langword="null"/>.</param>
/// <param name="RepositoryName">The repository's name (<c>title</c>), or <see langword="null"/>.</param>
/// <param name="Description">The repository's description, or <see langword="null"/>.</param>
/// <param name="License">The repository's SPDX license, or <see langword="null"/>.</param>
public sealed record MetadataContext(
    string Provider,
    string? Ref,
    string? Sha,
    string? DefaultBranch,
    string EventName,
    int? PullRequestNumber,
    string? PullRequestHeadSha,
    DateTimeOffset Timestamp,
    string? RepositoryUrl,
    string? RepositoryName,
    string? Description,
    string? License)
{
    /// <summary>Gets the branch name when <see cref="Ref"/> is a branch, otherwise <see langword="null"/>.</summary>
    public string? BranchName => Ref is not null && Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? Ref["refs/heads/".Length..] : null;

    /// <summary>Gets the tag name when <see cref="Ref"/> is a tag, otherwise <see langword="null"/>.</summary>
    public string? TagName => Ref is not null && Ref.StartsWith("refs/tags/", StringComparison.Ordinal) ? Ref["refs/tags/".Length..] : null;

    /// <summary>Gets the commit the tags and labels name: the pull request's head commit in a pull request, otherwise <see cref="Sha"/>.</summary>
    public string? EffectiveSha => PullRequestNumber is not null && !string.IsNullOrEmpty(PullRequestHeadSha) ? PullRequestHeadSha : Sha;
}
