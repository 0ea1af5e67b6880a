using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.ImageMetadata;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.ImageMetadata;

/// <summary>Git runs only for a value neither set nor given by the CI system; "no ref" and "no commit" can be said; a missing git is a clear error.</summary>
public sealed class MetadataWithoutGitTests
{
    private const string Sha = "860c1904a1ce19322e91ac35af1ab07466440c37";

    /// <summary>A folder that is no repository, with a git that records its arguments and fails.</summary>
    private static (TempDirectory Temp, string Calls, ImageMetadataSettings Settings) Bed(params string[] rules)
    {
        var temp = new TempDirectory();
        var calls = temp.Combine("calls.txt");
        var git = temp.WriteFile("git", $"#!/bin/sh\necho \"$@\" >> '{calls}'\nexit 1\n");
        File.SetUnixFileMode(git, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var settings = MetadataBed.Settings(rules);
        settings.GitToolPath = new FilePath(git);
        settings.DefaultBranch = "main";
        settings.Title = "app";
        settings.Url = "https://example.com/acme/app";
        settings.Source = "https://example.com/acme/app";
        return (temp, calls, settings);
    }

    public sealed class TheRunMethod
    {
        [Fact]
        public void Should_Not_Run_Git_When_Every_Value_Is_Set()
        {
            // Given
            var (temp, calls, settings) = Bed("type=ref,event=branch", "type=sha");
            using var owned = temp;
            settings.Ref = "refs/heads/main";
            settings.Sha = Sha;

            // When
            var result = MetadataBed.Run(temp.Path, settings);

            // Then
            Assert.False(File.Exists(calls), File.Exists(calls) ? File.ReadAllText(calls) : string.Empty);
            Assert.Equal(["main", "sha-860c190"], result.TagNames);
            Assert.Equal("https://example.com/acme/app", result.Labels["org.opencontainers.image.source"]);
        }

        [Fact]
        public void Should_Make_No_Ref_Or_Sha_Tag_And_Not_Run_Git_When_NoRef_And_NoCommit_Are_Set()
        {
            // Given
            var (temp, calls, settings) = Bed("type=ref,event=branch", "type=ref,event=tag", "type=sha", "type=raw,value=ci-{{branch}}{{sha}}");
            using var owned = temp;
            settings.NoRef = true;
            settings.NoCommit = true;

            // When
            var result = MetadataBed.Run(temp.Path, settings);

            // Then
            Assert.False(File.Exists(calls), File.Exists(calls) ? File.ReadAllText(calls) : string.Empty);
            Assert.Equal(["ci-"], result.TagNames);
            Assert.Null(result.Context.Ref);
            Assert.Null(result.Context.Sha);
            Assert.False(result.Labels.ContainsKey("org.opencontainers.image.revision"));
        }

        [Fact]
        public void Should_Fail_Naming_GitToolPath_When_The_Git_Executable_Does_Not_Exist()
        {
            // Given
            var (temp, _, settings) = Bed("type=ref,event=branch");
            using var owned = temp;
            var missing = temp.Combine("bin", "git");
            settings.GitToolPath = new FilePath(missing);

            // When
            var error = Assert.Throws<CakeException>(() => MetadataBed.Run(temp.Path, settings));

            // Then
            Assert.Equal($"ImageMetadata: the git executable was not found for GitToolPath; expected an existing git executable, found '{missing}' (no such file). Fix GitToolPath, or set Ref (or NoRef), Sha (or NoCommit), DefaultBranch, Url, Source and Title in ImageMetadataSettings so that git is not needed.", error.Message);
        }

        [Fact]
        public void Should_Fail_Naming_GitToolPath_When_The_Git_File_Cannot_Be_Started()
        {
            // Given
            var (temp, _, settings) = Bed("type=ref,event=branch");
            using var owned = temp;
            var notExecutable = temp.WriteFile("git-copy", "#!/bin/sh\nexit 0\n");
            settings.GitToolPath = new FilePath(notExecutable);

            // When
            var error = Assert.Throws<CakeException>(() => MetadataBed.Run(temp.Path, settings));

            // Then
            Assert.StartsWith($"ImageMetadata: the git executable could not be started for GitToolPath; expected a git executable, found '{notExecutable}': ", error.Message, StringComparison.Ordinal);
            Assert.EndsWith(". Install git or fix GitToolPath, or set Ref (or NoRef), Sha (or NoCommit), DefaultBranch, Url, Source and Title in ImageMetadataSettings so that git is not needed.", error.Message, StringComparison.Ordinal);
            Assert.IsType<System.ComponentModel.Win32Exception>(error.InnerException);
        }

        [Fact]
        public void Should_Not_Need_Git_When_GitToolPath_Does_Not_Exist_But_Every_Value_Is_Set()
        {
            // Given
            var (temp, _, settings) = Bed("type=ref,event=tag");
            using var owned = temp;
            settings.GitToolPath = new FilePath(temp.Combine("bin", "git"));
            settings.Ref = "refs/tags/v1.0.0";
            settings.NoCommit = true;

            // When
            var result = MetadataBed.Run(temp.Path, settings);

            // Then
            Assert.Equal(["v1.0.0", "latest"], result.TagNames);
        }
    }
}
