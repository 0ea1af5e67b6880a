using Cake.Core.Diagnostics;

namespace Cake.MultiArch.Tests.ImageMetadata;

public sealed class ImageMetadataRunnerTests
{
    public sealed class TheRunMethod
    {
        private static readonly string[] Release = ["type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr", "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=semver,pattern={{major}}", "type=sha"];

        /// <summary>State of a real repository, rules → exact tag names (duplicates removed); {sha} stands for HEAD's first 7 characters, {SHA} for all of it.</summary>
        public static TheoryData<string, string[], string[], string[]> LocalCases => new()
        {
            { "branch main, default rules", [], [], ["main"] },
            { "branch main, release rules", [], Release, ["main", "sha-{sha}"] },
            { "branch feature/new-ui, default rules", ["checkout -b feature/new-ui"], [], ["feature-new-ui"] },
            { "branch with characters a tag cannot hold, default rules", ["checkout -b fix/issue#12+x"], [], ["fix-issue-12-x"] },
            { "detached on annotated v1.2.3, release rules", ["tag -a v1.2.3", "checkout --detach"], Release, ["1.2.3", "1.2", "1", "v1.2.3", "sha-{sha}", "latest"] },
            { "detached on lightweight v1.2.3, release rules", ["tag v1.2.3", "checkout --detach"], Release, ["1.2.3", "1.2", "1", "v1.2.3", "sha-{sha}", "latest"] },
            { "detached on pre-release v2.0.0-rc.1, release rules", ["tag -a v2.0.0-rc.1", "checkout --detach"], Release, ["2.0.0-rc.1", "v2.0.0-rc.1", "sha-{sha}"] },
            { "detached on pre-release, ref tag only: no latest (metadata-action adds it)", ["tag -a v2.0.0-rc.1", "checkout --detach"], ["type=ref,event=tag"], ["v2.0.0-rc.1"] },
            { "detached on 0.4.1: no {{major}} tag", ["tag 0.4.1", "checkout --detach"], Release, ["0.4.1", "0.4", "sha-{sha}", "latest"] },
            { "detached on a tag that is not semver", ["tag release-2026", "checkout --detach"], Release, ["release-2026", "sha-{sha}", "latest"] },
            { "detached without tag: only the sha", ["checkout --detach"], Release, ["sha-{sha}"] },
            { "two tags on HEAD: the highest version", ["tag v1.9.0", "tag v1.10.0", "checkout --detach"], Release, ["1.10.0", "1.10", "1", "v1.10.0", "sha-{sha}", "latest"] },
        };

        [Theory]
        [MemberData(nameof(LocalCases))]
        public void Should_Make_The_Exact_Tags_When_Run_Locally_In_A_Real_Repository(string state, string[] steps, string[] rules, string[] expected)
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit("first");
            foreach (var step in steps)
            {
                var words = step.Split(' ');
                if (words[0] == "tag")
                {
                    repo.Tag(words[^1], annotated: words.Length == 3);
                }
                else
                {
                    repo.Checkout(words[1..]);
                }
            }

            // When
            var result = MetadataBed.Run(repo.Path, MetadataBed.Settings(rules));

            // Then
            var head = repo.Head;
            Assert.True(expected.Select(e => e.Replace("{sha}", head[..7], StringComparison.Ordinal)).SequenceEqual(result.TagNames), $"{state}: [{string.Join(", ", result.TagNames)}]");
            Assert.Equal(result.TagNames.Select(t => "ghcr.io/acme/app:" + t), result.Tags);
            Assert.Equal("Local", result.Context.Provider);
            Assert.Equal(head, result.Context.Sha);
        }

        [Fact]
        public void Should_Read_The_Branch_And_Default_Branch_When_The_Repository_Is_A_Shallow_Clone()
        {
            // Given
            using var origin = new GitRepository("trunk");
            origin.Commit("one");
            origin.Commit("two");
            var head = origin.Head;
            var clone = origin.ShallowClone();

            // When
            var result = MetadataBed.Run(clone.Path, MetadataBed.Settings("type=ref,event=branch", "type=edge", "type=sha,format=long"));

            // Then
            Assert.Equal(["edge", "trunk", "sha-" + head], result.TagNames);
            Assert.Equal("refs/heads/trunk", result.Context.Ref);
            Assert.Equal("trunk", result.Context.DefaultBranch);
            Assert.Equal("1", clone.Git("rev-list", "--count", "HEAD").Trim());
        }

        [Fact]
        public void Should_Not_Tag_Edge_When_The_Branch_Is_Not_The_Default_One()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            repo.Checkout("-b", "develop");

            // When
            var result = MetadataBed.Run(repo.Path, MetadataBed.Settings("type=edge", "type=edge,branch=develop,value=next", "type=ref,event=branch"));

            // Then
            Assert.Equal(["next", "develop"], result.TagNames);
            Assert.Equal("main", result.Context.DefaultBranch);
        }

        [Fact]
        public void Should_Warn_And_Skip_When_The_Tag_Is_Not_A_Semantic_Version()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            repo.Tag("v1.2", annotated: false).Checkout("--detach");
            var context = MetadataBed.Context(repo.Path);

            // When
            var result = MetadataBed.Run(context, MetadataBed.Settings("type=semver,pattern={{version}}", "type=raw,value=fallback"));

            // Then
            Assert.Equal(["fallback"], result.TagNames);
            Assert.Contains((LogLevel.Warning, "ImageMetadata: 'v1.2' is not a semantic version (MAJOR.MINOR.PATCH with an optional 'v' and -pre-release); rule 'type=semver,pattern={{version}}' makes no tag."), context.Log.Lines);
        }

        [Fact]
        public void Should_Fail_With_Git_Message_When_The_Folder_Is_Not_A_Repository()
        {
            // Given
            using var folder = new Fixtures.TempDirectory();

            // When
            var error = Assert.Throws<Cake.Core.CakeException>(() => MetadataBed.Run(folder.Path, MetadataBed.Settings()));

            // Then
            Assert.StartsWith($"ImageMetadata: 'git rev-parse HEAD' failed reading Sha for repository '{folder.Path}'; expected a git repository with at least one commit, found exit code 128: fatal: not a git repository", error.Message);
            Assert.EndsWith("Set RepositoryPath to the repository, or set Sha in ImageMetadataSettings.", error.Message);
        }

        [Fact]
        public void Should_Use_The_Settings_Values_When_They_Override_Git()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            var settings = MetadataBed.Settings("type=ref,event=tag", "type=sha");
            settings.Ref = "refs/tags/v3.0.0";
            settings.Sha = "0123456789abcdef0123456789abcdef01234567";

            // When
            var result = MetadataBed.Run(repo.Path, settings);

            // Then
            Assert.Equal(["v3.0.0", "sha-0123456", "latest"], result.TagNames);
        }

        [Fact]
        public void Should_Read_The_Web_Address_When_Origin_Is_An_Ssh_Remote()
        {
            // Given
            using var repo = new GitRepository();
            repo.Commit();
            repo.Git("remote", "add", "origin", "git@github.com:acme/app.git");

            // When
            var result = MetadataBed.Run(repo.Path, MetadataBed.Settings());

            // Then
            Assert.Equal("https://github.com/acme/app", result.Labels["org.opencontainers.image.source"]);
            Assert.Equal("app", result.Labels["org.opencontainers.image.title"]);
        }
    }
}
