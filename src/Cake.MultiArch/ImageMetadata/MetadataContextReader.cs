using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.Common.Build;
using Cake.Common.Build.AzurePipelines;
using Cake.Common.Build.GitHubActions;
using Cake.Common.Build.GitLabCI;
using Cake.Core;
using Cake.Core.IO;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Reads the <see cref="MetadataContext"/>: the settings' values first, then the CI system (through Cake's own CI providers, made from the file system and environment), then git.</summary>
internal sealed partial class MetadataContextReader
{
    private readonly IFileSystem _fileSystem;
    private readonly ICakeEnvironment _environment;
    private readonly GitRunner _git;

    public MetadataContextReader(IFileSystem fileSystem, ICakeEnvironment environment, GitRunner git)
    {
        _fileSystem = fileSystem;
        _environment = environment;
        _git = git;
    }

    public MetadataContext Read(ImageMetadataSettings settings)
    {
        var ci = ReadCi();
        var reference = settings.NoRef ? null : settings.Ref ?? ci.Ref;
        var readGitRef = settings.Ref is null && !settings.NoRef && ci.Provider == "Local";
        if (readGitRef)
        {
            reference = _git.TryLine("symbolic-ref", "-q", "HEAD");
            if (reference is null)
            {
                // Detached HEAD: the highest version tag on the commit, if any.
                var tag = _git.TryLine("tag", "--points-at", "HEAD", "--sort=-version:refname");
                reference = tag is null ? null : "refs/tags/" + tag;
            }
        }

        var sha = settings.NoCommit ? null : settings.Sha ?? ci.Sha ?? _git.Line("Sha", "rev-parse", "HEAD");
        var defaultBranch = settings.DefaultBranch ?? ci.DefaultBranch ?? ReadDefaultBranch();
        var pullRequest = settings.PullRequestNumber ?? (settings.NoRef ? null : ci.PullRequestNumber) ?? PullRequestFromRef(reference);
        var url = ci.RepositoryUrl;
        var urlNeeded = settings.Url is null || settings.Source is null || settings.Title is null;
        if (url is null && ci.Provider == "Local" && urlNeeded)
        {
            url = WebAddress(_git.TryLine("remote", "get-url", "origin"));
        }

        return new MetadataContext(
            ci.Provider,
            reference,
            sha,
            defaultBranch,
            settings.EventName ?? ci.EventName ?? (pullRequest is null ? "push" : "pull_request"),
            pullRequest,
            settings.NoCommit ? settings.PullRequestHeadSha : settings.PullRequestHeadSha ?? ci.PullRequestHeadSha,
            settings.Timestamp ?? DateTimeOffset.UtcNow,
            url ?? settings.Source ?? settings.Url,
            ci.RepositoryName ?? (url is null ? settings.Title : url[(url.LastIndexOf('/') + 1)..]),
            ci.Description,
            ci.License);
    }

    internal static int? PullRequestFromRef(string? reference) =>
        reference is not null && PullRef().Match(reference) is { Success: true } match
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    // git@host:owner/repo.git and https://user@host/owner/repo.git → https://host/owner/repo; other URLs (file://, paths) are not web addresses.
    internal static string? WebAddress(string? remote)
    {
        if (remote is null)
        {
            return null;
        }

        var trimmed = remote.EndsWith(".git", StringComparison.Ordinal) ? remote[..^4] : remote;
        if (ScpRemote().Match(trimmed) is { Success: true } scp)
        {
            return $"https://{scp.Groups[1].Value}/{scp.Groups[2].Value}";
        }

        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath.TrimEnd('/')}"
            : null;
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private string? ReadDefaultBranch()
    {
        var remoteHead = _git.TryLine("symbolic-ref", "-q", "refs/remotes/origin/HEAD");
        if (remoteHead is not null && remoteHead.StartsWith("refs/remotes/origin/", StringComparison.Ordinal))
        {
            return remoteHead["refs/remotes/origin/".Length..];
        }

        return new[] { "main", "master" }.FirstOrDefault(b => _git.TryLine("rev-parse", "-q", "--verify", "refs/heads/" + b) is not null);
    }

    private Ci ReadCi()
    {
        var env = _environment;
        var gitHubActions = new GitHubActionsProvider(env, _fileSystem, NoServiceMessages.Instance);
        if (gitHubActions.IsRunningOnGitHubActions)
        {
            var workflow = gitHubActions.Environment.Workflow;
            var ci = new Ci("GitHubActions")
            {
                Ref = Empty(workflow.Ref),
                Sha = Empty(workflow.Sha),
                EventName = Empty(workflow.EventName),
                RepositoryUrl = Empty(workflow.ServerUrl) is { } server && Empty(workflow.Repository) is { } repository ? $"{server.TrimEnd('/')}/{repository}" : null,
                RepositoryName = Empty(workflow.Repository)?.Split('/')[^1],
            };
            if (workflow.EventPath?.MakeAbsolute(env).FullPath is { } eventFile && File.Exists(eventFile))
            {
                ReadGitHubEvent(ci, eventFile);
            }

            return ci;
        }

        var gitLabCI = new GitLabCIProvider(env, _fileSystem);
        if (gitLabCI.IsRunningOnGitLabCI)
        {
            var gitlab = gitLabCI.Environment;
            var source = env.GetEnvironmentVariable("CI_PIPELINE_SOURCE");
            var iid = gitlab.PullRequest.IId > 0 ? (int?)gitlab.PullRequest.IId : null;
            var tag = Empty(gitlab.Build.Tag);
            var branch = Empty(env.GetEnvironmentVariable("CI_COMMIT_BRANCH"));
            return new Ci("GitLabCI")
            {
                Ref = tag is not null ? "refs/tags/" + tag : iid is not null ? $"refs/merge-requests/{iid}/head" : branch is not null ? "refs/heads/" + branch : null,
                Sha = Empty(gitlab.Build.Reference),
                DefaultBranch = Empty(env.GetEnvironmentVariable("CI_DEFAULT_BRANCH")),
                EventName = source switch { "schedule" => "schedule", "merge_request_event" => "pull_request", _ => iid is null ? "push" : "pull_request" },
                PullRequestNumber = iid,
                PullRequestHeadSha = Empty(env.GetEnvironmentVariable("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")),
                RepositoryUrl = Empty(gitlab.Project.Url),
                RepositoryName = Empty(gitlab.Project.Name),
            };
        }

        var azurePipelines = new AzurePipelinesProvider(env, NoServiceMessages.Instance);
        if (azurePipelines.IsRunningOnAzurePipelines)
        {
            var azure = azurePipelines.Environment;
            var isPullRequest = azure.PullRequest.IsPullRequest;
            var number = !isPullRequest ? (int?)null : azure.PullRequest.Number > 0 ? azure.PullRequest.Number : (int?)azure.PullRequest.Id;
            return new Ci("AzurePipelines")
            {
                Ref = Empty(azure.Repository.SourceBranch),
                Sha = Empty(azure.Repository.SourceVersion),
                EventName = azure.Build.Reason switch { "Schedule" => "schedule", "PullRequest" => "pull_request", _ => isPullRequest ? "pull_request" : "push" },
                PullRequestNumber = number,
                PullRequestHeadSha = Empty(azure.PullRequest.SourceCommitId),
                RepositoryUrl = WebAddress(Empty(env.GetEnvironmentVariable("BUILD_REPOSITORY_URI"))),
                RepositoryName = Empty(azure.Repository.RepoName)?.Split('/')[^1],
            };
        }

        return new Ci("Local");
    }

    private static void ReadGitHubEvent(Ci ci, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CakeException($"ImageMetadata: the GitHub event file could not be read for GITHUB_EVENT_PATH '{path}'; expected the JSON event payload GitHub Actions writes, found invalid JSON: {e.Message} Set PullRequestNumber, PullRequestHeadSha and DefaultBranch in ImageMetadataSettings, or fix the file.");
        }

        using var owned = document;
        var root = document.RootElement;
        if (Property(root, "pull_request") is { } pullRequest)
        {
            ci.PullRequestNumber = Property(pullRequest, "number") is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : null;
            ci.PullRequestHeadSha = Property(Property(pullRequest, "head"), "sha")?.GetString();
        }

        if (Property(root, "repository") is { } repository)
        {
            ci.DefaultBranch = Property(repository, "default_branch")?.GetString();
            ci.RepositoryUrl = Property(repository, "html_url")?.GetString() ?? ci.RepositoryUrl;
            ci.RepositoryName = Property(repository, "name")?.GetString() ?? ci.RepositoryName;
            ci.Description = Property(repository, "description")?.GetString();
            ci.License = Property(Property(repository, "license"), "spdx_id")?.GetString();
        }
    }

    private static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    [GeneratedRegex(@"^refs/(?:pull|merge-requests)/(\d+)/(?:merge|head)$")]
    private static partial Regex PullRef();

    [GeneratedRegex(@"^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$")]
    private static partial Regex ScpRemote();

    private sealed class Ci(string provider)
    {
        public string Provider { get; } = provider;

        public string? Ref { get; init; }

        public string? Sha { get; init; }

        public string? DefaultBranch { get; set; }

        public string? EventName { get; init; }

        public int? PullRequestNumber { get; set; }

        public string? PullRequestHeadSha { get; set; }

        public string? RepositoryUrl { get; set; }

        public string? RepositoryName { get; set; }

        public string? Description { get; set; }

        public string? License { get; set; }
    }

    /// <summary>The providers are only read here: nothing writes a CI service message.</summary>
    private sealed class NoServiceMessages : IBuildSystemServiceMessageWriter
    {
        public static readonly NoServiceMessages Instance = new();

        public void Write(string format, params object[] args)
        {
        }
    }
}
