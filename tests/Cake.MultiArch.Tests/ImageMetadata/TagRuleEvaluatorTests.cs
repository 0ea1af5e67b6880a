using Cake.Core;
using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class TagRuleEvaluatorTests
{
    private const string Sha = "abcdef0123456789abcdef0123456789abcdef01";

    private static MetadataContext Context(string? reference, string eventName = "push", int? pullRequest = null) =>
        new("Local", reference, Sha, "main", eventName, pullRequest, null, MetadataBed.Now, null, null, null, null);

    private static ImageMetadataResult Compute(string? reference, Action<ImageMetadataSettings> configure, string eventName = "push", int? pullRequest = null)
    {
        var settings = new ImageMetadataSettings { Images = { "ghcr.io/acme/app" } };
        configure(settings);
        return TagRuleEvaluator.Compute(settings, Context(reference, eventName, pullRequest), new RecordingLog().Log);
    }

    public sealed class TheComputeMethod
    {
        /// <summary>Ref, rule lines → exact tag names.</summary>
        public static TheoryData<string, string[], string[]> RuleCases => new()
        {
            { "refs/tags/v1.2.3", ["type=semver,pattern={{major}}.{{minor}}.{{patch}}", "type=semver,pattern=v{{major}}", "type=semver,pattern={{raw}}"], ["1.2.3", "v1", "v1.2.3", "latest"] },
            { "refs/tags/v1.2.3-rc.1+build.5", ["type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{version}}"], ["1.2.3-rc.1"] },
            { "refs/tags/v1.2.3-rc.1", ["type=semver,pattern={{raw}}", "type=semver,pattern=v{{major}}"], ["v1.2.3-rc.1", "1.2.3-rc.1"] },
            { "refs/tags/v2.0.8-beta.67", ["type=semver,pattern={{ raw }}"], ["v2.0.8-beta.67"] },
            { "refs/tags/p1/v1.2.3", ["type=semver,pattern={{version}},\"match=v(\\d.\\d.\\d)$\"", "type=semver,pattern={{raw}},\"match=v(\\d.\\d.\\d)$\""], ["1.2.3", "latest"] },
            { "refs/tags/p1/v1.2.3", ["type=semver,pattern={{version}},\"match=^x(\\d)\""], [] },
            { "refs/tags/P1-V1.0.0", ["type=match,\"pattern=/^p1-v(\\d.\\d.\\d)$/i\",group=1"], ["1.0.0", "latest"] },
            { "refs/tags/p1-v1.0.0", ["type=match,\"pattern=/^v(\\d.\\d.\\d)$/\",group=1", "type=match,\"pattern=/\\d/g\",group=2"], ["0", "latest"] },
            { "refs/heads/main", ["type=raw,value=feature/x+y", "type=raw,value=a b,suffix=:c"], ["feature-x-y", "a-b-c"] },
            { "refs/tags/release-4.5-final", [@"type=match,pattern=(\d+)\.(\d+),group=2", @"type=match,pattern=\d+\.\d+"], ["5", "4.5", "latest"] },
            { "refs/tags/nothing", [@"type=match,pattern=\d+"], [] },
            { "refs/heads/main", ["type=semver,pattern={{version}},value=v9.8.7"], ["9.8.7", "latest"] },
            { "refs/heads/main", ["type=sha", "type=sha,format=long,prefix=", "type=raw,value=stable", "type=raw,value=stable,priority=50"], ["stable", "sha-abcdef0", Sha] },
            { "refs/heads/main", ["type=raw,value=low,priority=1", "type=raw,value=high,priority=2000", "type=ref,event=branch"], ["high", "main", "low"] },
            { "refs/heads/main", ["type=raw,value={{branch}}-{{sha}}", "type=raw,value=skip,enable=false"], ["main-abcdef0"] },
            { "refs/heads/main", ["type=ref,event=branch,prefix=br-,suffix=-x", "type=edge,value=dev"], ["dev", "br-main-x"] },
            { "refs/pull/12/merge", ["type=ref,event=pr", "type=ref,event=pr,prefix=mr-", "type=ref,event=branch"], ["pr-12", "mr-12"] },
        };

        [Theory]
        [MemberData(nameof(RuleCases))]
        public void Should_Make_The_Exact_Tags_When_Rules_Are_Given(string reference, string[] rules, string[] expected)
        {
            // Given
            var pullRequest = MetadataContextReader.PullRequestFromRef(reference);

            // When
            var result = Compute(reference, s => rules.ToList().ForEach(r => s.Tags.Add(TagRule.Parse(r))), pullRequest: pullRequest);

            // Then
            Assert.Equal(expected, result.TagNames);
        }

        /// <summary>Ref, latest mode, prefix (onlatest), suffix (onlatest), rules → exact tag names.</summary>
        public static TheoryData<string, LatestMode, string, bool, string, bool, string[], string[]> FlavorCases => new()
        {
            { "refs/tags/v1.0.0", LatestMode.Auto, "", false, "", false, ["type=semver,pattern={{version}}"], ["1.0.0", "latest"] },
            { "refs/tags/v1.0.0", LatestMode.False, "", false, "", false, ["type=semver,pattern={{version}}"], ["1.0.0"] },
            { "refs/heads/main", LatestMode.True, "", false, "", false, ["type=ref,event=branch"], ["main", "latest"] },
            { "refs/heads/main", LatestMode.Auto, "", false, "", false, ["type=ref,event=branch"], ["main"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "app-", false, "-alpine", false, ["type=semver,pattern={{version}}", "type=sha"], ["app-1.0.0-alpine", "sha-abcdef0-alpine", "latest"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "app-", true, "-alpine", true, ["type=semver,pattern={{version}}"], ["app-1.0.0-alpine", "app-latest-alpine"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "", false, "-alpine", true, ["type=semver,pattern={{version}},suffix="], ["1.0.0", "latest-alpine"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "", false, "", false, ["type=semver,pattern={{version}}", "type=raw,value=latest,enable=false"], ["1.0.0"] },
            { "refs/heads/main", LatestMode.True, "", false, "", false, ["type=ref,event=branch", "type=raw,value=latest,enable=false"], ["main"] },
            { "refs/heads/main", LatestMode.False, "", false, "", false, ["type=raw,value=latest"], ["latest"] },
            { "refs/tags/v2.0.0-rc.1", LatestMode.True, "", false, "", false, ["type=semver,pattern={{version}}"], ["2.0.0-rc.1", "latest"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "", false, "", false, ["type=raw,value=first,priority=2000", "type=semver,pattern={{version}}"], ["first", "1.0.0"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "", false, "", false, ["type=raw,value=last,priority=1", "type=semver,pattern={{version}}"], ["1.0.0", "last", "latest"] },
            { "refs/heads/main", LatestMode.True, "", false, "", false, ["type=semver,pattern={{version}}"], [] },
            { "refs/heads/main", LatestMode.True, "", false, "", false, [], ["main", "latest"] },
            { "refs/tags/v1.0.0", LatestMode.Auto, "a+", true, "", false, ["type=semver,pattern={{version}}"], ["a-1.0.0", "a-latest"] },
        };

        [Theory]
        [MemberData(nameof(FlavorCases))]
        public void Should_Apply_The_Flavor_When_One_Is_Given(string reference, LatestMode latest, string prefix, bool prefixOnLatest, string suffix, bool suffixOnLatest, string[] rules, string[] expected)
        {
            // When
            var result = Compute(reference, s =>
            {
                s.Flavor = new MetadataFlavor { Latest = latest, Prefix = prefix, PrefixOnLatest = prefixOnLatest, Suffix = suffix, SuffixOnLatest = suffixOnLatest };
                rules.ToList().ForEach(r => s.Tags.Add(TagRule.Parse(r)));
            });

            // Then
            Assert.Equal(expected, result.TagNames);
        }

        [Theory]
        [InlineData("nightly", "UTC", "nightly")]
        [InlineData("{{date 'YYYYMMDD-HHmmss'}}", "UTC", "20261128-213015")]
        [InlineData("nightly-{{date 'YYYY.MM.DD'}}", "Asia/Tokyo", "nightly-2026.11.29")]
        [InlineData("{{date 'YYMMDD' tz='America/New_York'}}", "UTC", "261128")]
        public void Should_Format_The_Date_When_The_Event_Is_Schedule(string pattern, string timeZone, string expected)
        {
            // When
            var result = Compute("refs/heads/main", s => s.Tags.Add(new TagRule { Type = TagRuleType.Schedule, Pattern = pattern, TimeZone = timeZone }), eventName: "schedule");

            // Then
            Assert.Equal([expected], result.TagNames);
        }

        [Fact]
        public void Should_Make_Every_Tag_For_Every_Image_When_Several_Images_Are_Given()
        {
            // When
            var result = Compute("refs/tags/v1.2.0", s =>
            {
                s.Images.Add("registry.example.com:5000/team/app");
                s.Images.Add("ghcr.io/acme/app");
                s.Tags.Add(TagRule.Semver("{{version}}"));
                s.Tags.Add(TagRule.Semver("{{major}}.{{minor}}"));
            });

            // Then
            Assert.Equal(["ghcr.io/acme/app:1.2.0", "ghcr.io/acme/app:1.2", "ghcr.io/acme/app:latest", "registry.example.com:5000/team/app:1.2.0", "registry.example.com:5000/team/app:1.2", "registry.example.com:5000/team/app:latest"], result.Tags);
            Assert.Equal("1.2.0", result.Version);
        }

        [Fact]
        public void Should_Give_The_Bare_Tags_When_No_Image_Is_Given()
        {
            // When
            var result = TagRuleEvaluator.Compute(new ImageMetadataSettings { Tags = { TagRule.Semver("{{version}}") } }, Context("refs/tags/v1.0.0"), new RecordingLog().Log);

            // Then
            Assert.Equal(["1.0.0", "latest"], result.Tags);
            Assert.Equal(["1.0.0", "latest"], result.TagNames);
        }

        [Fact]
        public void Should_Lower_Case_The_Image_Names_When_They_Have_Upper_Case_Letters()
        {
            // When
            var result = Compute("refs/tags/v1.0.0", s =>
            {
                s.Images.Add("ghcr.io/MyUser/MyApp");
                s.Tags.Add(TagRule.GitTag());
            });

            // Then
            Assert.Equal(["ghcr.io/acme/app:v1.0.0", "ghcr.io/acme/app:latest", "ghcr.io/myuser/myapp:v1.0.0", "ghcr.io/myuser/myapp:latest"], result.Tags);
        }

        [Fact]
        public void Should_Use_The_Default_Rules_When_None_Is_Given()
        {
            // When
            var onBranch = Compute("refs/heads/release/1.x", _ => { });
            var onTag = Compute("refs/tags/v1.0.0", _ => { });
            var onPullRequest = Compute("refs/pull/3/merge", _ => { }, pullRequest: 3);
            var onSchedule = Compute("refs/heads/main", _ => { }, eventName: "schedule");

            // Then
            Assert.Equal(["release-1.x"], onBranch.TagNames);
            Assert.Equal(["v1.0.0", "latest"], onTag.TagNames);
            Assert.Equal(["pr-3"], onPullRequest.TagNames);
            Assert.Equal(["nightly", "main"], onSchedule.TagNames);
        }

        [Fact]
        public void Should_Fail_Naming_The_Rule_When_A_Tag_Is_Too_Long()
        {
            // Given
            var branch = "refs/heads/" + new string('b', 130);

            // When
            var error = Assert.Throws<CakeException>(() => Compute(branch, s => s.Tags.Add(TagRule.BranchName())));

            // Then
            Assert.Equal($"ImageMetadata: rule 'type=ref,event=branch' made an invalid tag for Tags; expected 1 to 128 characters of [A-Za-z0-9_.-] not starting with '.' or '-', found '{new string('b', 130)}'. Change the rule's prefix, suffix or value, or disable it for this build.", error.Message);
        }
    }
}
