using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class MetadataContextReaderTests
{
    private const string MergeSha = "1111111111111111111111111111111111111111";
    private const string HeadSha = "2222222222222222222222222222222222222222";

    private static readonly string[] Rules = ["type=schedule,pattern=nightly-{{date 'YYYYMMDD'}}", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=edge", "type=sha"];

    public sealed class TheReadMethod
    {
        /// <summary>CI system, the variables its runner sets → exact tags and the revision label.</summary>
        public static TheoryData<string, string, string[], string> Cases => new()
        {
            { "GitHub push to main", "GITHUB_ACTIONS=true GITHUB_REF=refs/heads/main GITHUB_SHA=" + MergeSha + " GITHUB_EVENT_NAME=push", ["edge", "main", "sha-1111111"], MergeSha },
            { "GitHub push of v1.4.2", "GITHUB_ACTIONS=true GITHUB_REF=refs/tags/v1.4.2 GITHUB_SHA=" + MergeSha + " GITHUB_EVENT_NAME=push", ["1.4.2", "1.4", "v1.4.2", "sha-1111111", "latest"], MergeSha },
            { "GitHub pull request 42", "GITHUB_ACTIONS=true GITHUB_REF=refs/pull/42/merge GITHUB_SHA=" + MergeSha + " GITHUB_EVENT_NAME=pull_request EVENT=pr", ["pr-42", "sha-2222222"], HeadSha },
            { "GitHub schedule on main", "GITHUB_ACTIONS=true GITHUB_REF=refs/heads/main GITHUB_SHA=" + MergeSha + " GITHUB_EVENT_NAME=schedule", ["nightly-20261128", "edge", "main", "sha-1111111"], MergeSha },
            { "GitLab push to feature/x", "GITLAB_CI=true CI_SERVER=yes CI_COMMIT_BRANCH=feature/x CI_COMMIT_SHA=" + MergeSha + " CI_DEFAULT_BRANCH=main CI_PIPELINE_SOURCE=push", ["feature-x", "sha-1111111"], MergeSha },
            { "GitLab tag v2.0.0-beta.1", "GITLAB_CI=true CI_SERVER=yes CI_COMMIT_TAG=v2.0.0-beta.1 CI_COMMIT_SHA=" + MergeSha + " CI_DEFAULT_BRANCH=main CI_PIPELINE_SOURCE=push", ["2.0.0-beta.1", "v2.0.0-beta.1", "sha-1111111"], MergeSha },
            { "GitLab merge request 7", "GITLAB_CI=true CI_SERVER=yes CI_MERGE_REQUEST_IID=7 CI_COMMIT_SHA=" + MergeSha + " CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=" + HeadSha + " CI_DEFAULT_BRANCH=main CI_PIPELINE_SOURCE=merge_request_event", ["pr-7", "sha-2222222"], HeadSha },
            { "GitLab schedule on main", "GITLAB_CI=true CI_SERVER=yes CI_COMMIT_BRANCH=main CI_COMMIT_SHA=" + MergeSha + " CI_DEFAULT_BRANCH=main CI_PIPELINE_SOURCE=schedule", ["nightly-20261128", "edge", "main", "sha-1111111"], MergeSha },
            { "Azure push to main", "TF_BUILD=True AGENT_NAME=Hosted BUILD_SOURCEBRANCH=refs/heads/main BUILD_SOURCEVERSION=" + MergeSha + " BUILD_REASON=IndividualCI", ["edge", "main", "sha-1111111"], MergeSha },
            { "Azure pull request 9", "TF_BUILD=True AGENT_NAME=Hosted BUILD_SOURCEBRANCH=refs/pull/9/merge BUILD_SOURCEVERSION=" + MergeSha + " BUILD_REASON=PullRequest SYSTEM_PULLREQUEST_PULLREQUESTID=900 SYSTEM_PULLREQUEST_PULLREQUESTNUMBER=9 SYSTEM_PULLREQUEST_SOURCECOMMITID=" + HeadSha, ["pr-9", "sha-2222222"], HeadSha },
            { "Azure tag v3.1.0", "TF_BUILD=True AGENT_NAME=Hosted BUILD_SOURCEBRANCH=refs/tags/v3.1.0 BUILD_SOURCEVERSION=" + MergeSha + " BUILD_REASON=IndividualCI", ["3.1.0", "3.1", "v3.1.0", "sha-1111111", "latest"], MergeSha },
            { "Azure schedule on main", "TF_BUILD=True AGENT_NAME=Hosted BUILD_SOURCEBRANCH=refs/heads/main BUILD_SOURCEVERSION=" + MergeSha + " BUILD_REASON=Schedule", ["nightly-20261128", "edge", "main", "sha-1111111"], MergeSha },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Should_Make_The_Exact_Tags_When_The_Ci_System_Sets_Its_Variables(string build, string variables, string[] expected, string revision)
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            using var temp = new TempDirectory();
            var ci = variables.Split(' ').Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            if (ci.Remove("EVENT"))
            {
                ci["GITHUB_EVENT_PATH"] = temp.WriteFile("event.json", """{"number":42,"pull_request":{"number":42,"head":{"sha":"HEAD_SHA","ref":"feature/x"}}}""".Replace("HEAD_SHA", HeadSha, StringComparison.Ordinal));
            }

            // When
            var result = MetadataBed.Run(repo.Path, MetadataBed.Settings(Rules), ci);

            // Then
            Assert.True(expected.SequenceEqual(result.TagNames), $"{build}: [{string.Join(", ", result.TagNames)}]");
            Assert.Equal(revision, result.Labels["org.opencontainers.image.revision"]);
            Assert.Equal(build.Split(' ')[0] switch { "GitHub" => "GitHubActions", "GitLab" => "GitLabCI", _ => "AzurePipelines" }, result.Context.Provider);
        }

        [Fact]
        public void Should_Make_The_Labels_And_Annotations_When_The_GitHub_Event_Describes_The_Repository()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            using var temp = new TempDirectory();
            var ci = new Dictionary<string, string>
            {
                ["GITHUB_ACTIONS"] = "true",
                ["GITHUB_REF"] = "refs/tags/v1.0.0",
                ["GITHUB_SHA"] = MergeSha,
                ["GITHUB_EVENT_NAME"] = "push",
                ["GITHUB_EVENT_PATH"] = temp.WriteFile("event.json", """{"repository":{"name":"app","default_branch":"main","html_url":"https://github.com/acme/app","description":"The app","license":{"spdx_id":"MIT"}}}"""),
            };
            var settings = MetadataBed.Settings("type=semver,pattern={{version}}");
            settings.AnnotationLevels = AnnotationLevels.Both;
            settings.Labels["org.opencontainers.image.title"] = "Acme App";
            settings.Annotations["index:org.opencontainers.image.vendor"] = "Acme";

            // When
            var result = MetadataBed.Run(repo.Path, settings, ci);

            // Then
            var oci = new Dictionary<string, string>
            {
                ["org.opencontainers.image.title"] = "app",
                ["org.opencontainers.image.description"] = "The app",
                ["org.opencontainers.image.url"] = "https://github.com/acme/app",
                ["org.opencontainers.image.source"] = "https://github.com/acme/app",
                ["org.opencontainers.image.version"] = "1.0.0",
                ["org.opencontainers.image.created"] = "2026-11-28T21:30:15.250Z",
                ["org.opencontainers.image.revision"] = MergeSha,
                ["org.opencontainers.image.licenses"] = "MIT",
            };
            Assert.Equal(oci.ToDictionary(p => p.Key, p => p.Key.EndsWith(".title", StringComparison.Ordinal) ? "Acme App" : p.Value), result.Labels);
            var annotations = oci.SelectMany(p => new[] { KeyValuePair.Create("manifest:" + p.Key, p.Value), KeyValuePair.Create("index:" + p.Key, p.Value) }).ToDictionary();
            annotations["index:org.opencontainers.image.vendor"] = "Acme";
            Assert.Equal(annotations, result.Annotations);
            Assert.Equal("main", result.Context.DefaultBranch);
        }
        [Fact]
        public void Should_Throw_Naming_The_File_When_The_GitHub_Event_Is_Not_Json()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            using var temp = new TempDirectory();
            var path = temp.WriteFile("event.json", "{not json");
            var ci = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_REF"] = "refs/heads/main", ["GITHUB_SHA"] = MergeSha, ["GITHUB_EVENT_PATH"] = path };

            // When
            var error = Assert.Throws<Cake.Core.CakeException>(() => MetadataBed.Run(repo.Path, MetadataBed.Settings(), ci));

            // Then
            Assert.StartsWith($"ImageMetadata: the GitHub event file could not be read for GITHUB_EVENT_PATH '{path}'; expected the JSON event payload GitHub Actions writes, found invalid JSON: ", error.Message);
            Assert.EndsWith(" Set PullRequestNumber, PullRequestHeadSha and DefaultBranch in ImageMetadataSettings, or fix the file.", error.Message);
        }
    }
}
