using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class ImageMetadataPlanTests
{
    public sealed class TheValidateMethod
    {
        private static ImageMetadataSettings Valid() => new() { Images = { "ghcr.io/acme/app" } };

        private static Func<ImageMetadataSettings> With(Action<ImageMetadataSettings> change) => () =>
        {
            var settings = Valid();
            change(settings);
            return settings;
        };

        private static Func<ImageMetadataSettings> Rule(TagRule rule) => With(s => s.Tags.Add(rule));

        public static TheoryData<string, Func<ImageMetadataSettings>, string> Cases => new()
        {
            { "null image", With(s => s.Images.Add(null!)), "ImageMetadata: a null image name for Images; expected a name such as 'ghcr.io/acme/app', found null. Remove the null entry." },
            { "image with a space", With(s => s.Images[0] = "ghcr.io/Acme/My App"), "ImageMetadata: an invalid image name for Images; expected a name such as 'ghcr.io/acme/app', found 'ghcr.io/Acme/My App'. Image reference 'ghcr.io/acme/my app' has an invalid repository 'acme/my app'; each '/'-separated part is lower-case letters and digits, joined by '.', '_', '__' or '-'." },
            { "image with tag", With(s => s.Images[0] = "ghcr.io/acme/app:1.0"), "ImageMetadata: an image name with a tag or digest for Images; expected a name without ':TAG' or '@DIGEST', such as 'ghcr.io/acme/app', found 'ghcr.io/acme/app:1.0'. Remove the tag or digest: the rules make the tags." },
            { "flavor prefix with slash", With(s => s.Flavor.Prefix = "a/b"), "ImageMetadata: characters a tag cannot hold for Flavor.Prefix; expected letters, digits, '_', '.' and '-', found 'a/b'. Remove the other characters." },
            { "flavor suffix null", With(s => s.Flavor.Suffix = null!), "ImageMetadata: characters a tag cannot hold for Flavor.Suffix; expected letters, digits, '_', '.' and '-', found null. Remove the other characters." },
            { "null rule", With(s => s.Tags.Add(null!)), "ImageMetadata: a null rule for Tags; expected rules made by TagRule.BranchName(), TagRule.Semver(…), … or TagRule.Parse(…), found null. Remove the null entry." },
            { "raw without value", Rule(new TagRule { Type = TagRuleType.Raw }), "ImageMetadata: no value for Tags rule 'type=raw'; expected a value such as 'stable', found null. Set Value (value=)." },
            { "semver without pattern", Rule(new TagRule { Type = TagRuleType.Semver }), "ImageMetadata: no pattern for Tags rule 'type=semver'; expected a pattern such as '{{version}}' or '{{major}}.{{minor}}', found null. Set Pattern (pattern=)." },
            { "semver unknown placeholder", Rule(TagRule.Semver("{{minor}}.{{build}}")), "ImageMetadata: an invalid pattern for Tags rule 'type=semver,pattern={{minor}}.{{build}}'; expected a pattern with {{version}}, {{major}}, {{minor}}, {{patch}} or {{raw}}, found '{{minor}}.{{build}}'. Use only these placeholders (a fixed tag is a raw rule)." },
            { "semver without placeholder", Rule(TagRule.Semver("stable")), "ImageMetadata: an invalid pattern for Tags rule 'type=semver,pattern=stable'; expected a pattern with {{version}}, {{major}}, {{minor}}, {{patch}} or {{raw}}, found 'stable'. Use only these placeholders (a fixed tag is a raw rule)." },
            { "match invalid regex", Rule(TagRule.Match("v(\\d+")), "ImageMetadata: an invalid regular expression for Tags rule 'type=match,pattern=v(\\d+'; expected a .NET regular expression such as 'v(\\d+\\.\\d+)', or '/EXPRESSION/FLAGS' with flags i, m, s, g, found 'v(\\d+'. Invalid pattern 'v(\\d+' at offset 5. Not enough )'s." },
            { "match unknown flag", Rule(TagRule.Match("/v(\\d+)/x")), "ImageMetadata: an invalid regular expression for Tags rule 'type=match,pattern=/v(\\d+)/x'; expected a .NET regular expression such as 'v(\\d+\\.\\d+)', or '/EXPRESSION/FLAGS' with flags i, m, s, g, found '/v(\\d+)/x'. The flag 'x' of '/v(\\d+)/x' is not one of i, m, s, g." },
            { "semver match invalid", Rule(new TagRule { Type = TagRuleType.Semver, Pattern = "{{version}}", MatchPattern = "v(\\d" }), "ImageMetadata: an invalid match expression for Tags rule 'type=semver,pattern={{version}},match=v(\\d'; expected a .NET regular expression whose first group is the version, such as 'v(\\d+\\.\\d+\\.\\d+)$', found 'v(\\d'. Invalid pattern 'v(\\d' at offset 4. Not enough )'s." },
            { "semver match without group", Rule(new TagRule { Type = TagRuleType.Semver, Pattern = "{{version}}", MatchPattern = "v\\d" }), "ImageMetadata: a match expression without a group for Tags rule 'type=semver,pattern={{version}},match=v\\d'; expected a regular expression whose first group is the version, such as 'v(\\d+\\.\\d+\\.\\d+)$', found 'v\\d'. Put the version part in parentheses." },
            { "match missing group", Rule(TagRule.Match("v(\\d+)", 2)), "ImageMetadata: a group the pattern does not have for Tags rule 'type=match,pattern=v(\\d+),group=2'; expected a group from 0 to 1, found 2. Fix Group (group=) or add the group to the pattern." },
            { "match without pattern", Rule(new TagRule { Type = TagRuleType.Match }), "ImageMetadata: no pattern for Tags rule 'type=match'; expected a regular expression such as '\\d+\\.\\d+', found null. Set Pattern (pattern=)." },
            { "sha length 0", Rule(new TagRule { Type = TagRuleType.Sha, ShortShaLength = 0 }), "ImageMetadata: an invalid short sha length for Tags rule 'type=sha'; expected 1 to 64 characters, found 0. Set ShortShaLength, or LongSha for the full id." },
            { "edge empty branch", Rule(TagRule.Edge(" ")), "ImageMetadata: an empty branch for Tags rule 'type=edge,branch= '; expected a branch name such as 'develop', found ' '. Set Branch or leave it unset for the default branch." },
            { "schedule unknown expression", Rule(TagRule.Schedule("nightly-{{week}}")), "ImageMetadata: an unknown expression in the pattern for Tags rule 'type=schedule,pattern=nightly-{{week}}'; expected {{branch}}, {{tag}}, {{sha}}, {{date 'FORMAT'}}, found '{{week}}'. Fix the expression." },
            { "unknown time zone", Rule(new TagRule { Type = TagRuleType.Schedule, TimeZone = "Mars/Olympus" }), "ImageMetadata: an unknown time zone for Tags rule 'type=schedule'; expected an IANA time zone such as 'Europe/Paris' or 'UTC', found 'Mars/Olympus'. Fix the time zone." },
            { "raw unknown expression", Rule(TagRule.Raw("{{is_default_branch}}")), "ImageMetadata: an unknown expression in the value for Tags rule 'type=raw,value={{is_default_branch}}'; expected {{branch}}, {{tag}}, {{sha}}, {{date 'FORMAT'}}, found '{{is_default_branch}}'. Fix the expression." },
            { "prefix unclosed expression", Rule(new TagRule { Type = TagRuleType.Sha, Prefix = "{{sha" }), "ImageMetadata: an unknown expression in the prefix for Tags rule 'type=sha,prefix={{sha'; expected {{branch}}, {{tag}}, {{sha}}, {{date 'FORMAT'}}, found '{{sha'. Fix the expression." },
            { "short ref", With(s => s.Ref = "main"), "ImageMetadata: an invalid ref for Ref; expected a full ref such as 'refs/heads/main', 'refs/tags/v1.2.3' or 'refs/pull/5/merge', found 'main'. Write the full ref." },
            { "ref and NoRef", With(s => { s.Ref = "refs/heads/main"; s.NoRef = true; }), "ImageMetadata: both a ref and NoRef for Ref; expected either Ref or NoRef = true, found 'refs/heads/main'. Set one of them: Ref names the ref, NoRef says there is none." },
            { "sha and NoCommit", With(s => { s.Sha = "abcdef0"; s.NoCommit = true; }), "ImageMetadata: both a commit and NoCommit for Sha; expected either Sha or NoCommit = true, found 'abcdef0'. Set one of them: Sha names the commit, NoCommit says there is none." },
            { "sha not hex", With(s => s.Sha = "HEAD"), "ImageMetadata: an invalid commit id for Sha; expected 7 to 64 lower-case hex digits, found 'HEAD'. Pass the commit id (git rev-parse HEAD), or leave it unset." },
            { "pr head sha short", With(s => s.PullRequestHeadSha = "abc"), "ImageMetadata: an invalid commit id for PullRequestHeadSha; expected 7 to 64 lower-case hex digits, found 'abc'. Pass the commit id (git rev-parse HEAD), or leave it unset." },
            { "pr number 0", With(s => s.PullRequestNumber = 0), "ImageMetadata: an invalid pull request number for PullRequestNumber; expected a number above 0, found 0. Pass the pull request's number, or leave it unset." },
            { "empty event", With(s => s.EventName = ""), "ImageMetadata: an empty event for EventName; expected an event such as 'push', 'pull_request' or 'schedule', found ''. Set the event or leave it unset." },
            { "empty default branch", With(s => s.DefaultBranch = " "), "ImageMetadata: an empty default branch for DefaultBranch; expected a branch name such as 'main', found ' '. Set the branch or leave it unset." },
            { "empty label key", With(s => s.Labels[""] = "x"), "ImageMetadata: an empty key for Labels; expected a key such as 'org.opencontainers.image.vendor', found ''. Give every entry a key." },
            { "empty annotation key", With(s => s.Annotations[" "] = "x"), "ImageMetadata: an empty key for Annotations; expected a key such as 'org.opencontainers.image.vendor', found ' '. Give every entry a key." },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Should_Throw_Before_Git_Runs_When_The_Settings_Are_Invalid(string name, Func<ImageMetadataSettings> make, string expected)
        {
            // Given
            using var temp = new TempDirectory();
            var calls = temp.Combine("calls.txt");
            var git = temp.WriteFile("git", $"#!/bin/sh\necho \"$@\" >> '{calls}'\nexit 1\n");
            File.SetUnixFileMode(git, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var settings = make();
            settings.GitToolPath = new FilePath(git);
            var context = MetadataBed.Context(temp.Path);

            // When
            var error = Assert.Throws<CakeException>(() => new ImageMetadataRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log.Log).Run(settings));

            // Then
            Assert.True(expected == error.Message, $"{name}:\n{error.Message}");
            Assert.False(File.Exists(calls), name);
        }

        [Fact]
        public void Should_Not_Change_The_Settings_When_Run()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            var settings = new ImageMetadataSettings { Images = { "ghcr.io/acme/app" }, Timestamp = MetadataBed.Now };

            // When
            MetadataBed.Run(repo.Path, settings);

            // Then
            Assert.Empty(settings.Tags);
            Assert.Empty(settings.Labels);
            Assert.Empty(settings.Annotations);
            Assert.Null(settings.Ref);
            Assert.Null(settings.Sha);
        }
    }
}
