using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>Runs <see cref="ImageMetadataRunner"/> in a repository with the CI variables a runner would set (and none of the real machine's).</summary>
internal static class MetadataBed
{
    /// <summary>Every variable the CI detection reads, emptied unless the test sets it.</summary>
    private static readonly string[] CiVariables =
    [
        "GITHUB_ACTIONS", "GITHUB_REF", "GITHUB_SHA", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL",
        "GITLAB_CI", "CI_SERVER", "CI_COMMIT_TAG", "CI_COMMIT_BRANCH", "CI_COMMIT_SHA", "CI_DEFAULT_BRANCH", "CI_PIPELINE_SOURCE",
        "CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "CI_PROJECT_URL", "CI_PROJECT_NAME",
        "TF_BUILD", "AGENT_NAME", "BUILD_SOURCEBRANCH", "BUILD_SOURCEVERSION", "BUILD_REASON", "BUILD_REPOSITORY_URI", "BUILD_REPOSITORY_NAME",
        "SYSTEM_PULLREQUEST_PULLREQUESTID", "SYSTEM_PULLREQUEST_PULLREQUESTNUMBER", "SYSTEM_PULLREQUEST_SOURCECOMMITID", "SYSTEM_PULLREQUEST_ISFORK",
    ];

    public static readonly DateTimeOffset Now = new(2026, 11, 28, 21, 30, 15, 250, TimeSpan.Zero);

    public static TestCakeContext Context(string directory, IDictionary<string, string>? ci = null)
    {
        var variables = CiVariables.ToDictionary(v => v, _ => string.Empty);
        foreach (var (name, value) in ci ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return new TestCakeContext(directory, ci: false, variables);
    }

    public static ImageMetadataResult Run(string directory, ImageMetadataSettings settings, IDictionary<string, string>? ci = null) =>
        Run(Context(directory, ci), settings);

    public static ImageMetadataResult Run(TestCakeContext context, ImageMetadataSettings settings)
    {
        settings.Timestamp ??= Now;
        if (settings.Images.Count == 0)
        {
            settings.Images.Add("ghcr.io/acme/app");
        }

        return new ImageMetadataRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log).Run(settings);
    }

    public static ImageMetadataSettings Settings(params string[] rules)
    {
        var settings = new ImageMetadataSettings();
        foreach (var rule in rules)
        {
            settings.Tags.Add(TagRule.Parse(rule));
        }

        return settings;
    }
}
