using System.Net;
using Cake.Core;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.BadInput;

/// <summary>PromoteImage and MergeImages refuse bad settings before any request (the registry client is never even made) and never write to the settings.</summary>
public sealed class PublishingBadInputTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static TheoryData<string, Action<PromoteImageSettings>, string> PromoteCases => new()
    {
        { "no source", s => s.Source = null, "PromoteImage: Source is not set; expected an image pinned by digest such as 'registry.example.com/team/app@sha256:…', found nothing. Pass the digest that BuildxBuild or MergeImages returned." },
        { "source by tag", s => s.Source = "r.example.com/team/app:1.0", "PromoteImage: Source 'r.example.com/team/app:1.0' is not pinned by digest; expected 'repository@sha256:…', found tag '1.0'. Promote the digest that was verified, never a tag (a tag can move between the check and the promotion)." },
        { "source invalid", s => s.Source = "r.example.com/Team/app@" + Digest, "PromoteImage: Source 'r.example.com/Team/app@" + Digest + "' is invalid; expected an image pinned by digest, found: Image reference 'r.example.com/Team/app@" + Digest + "' has upper-case letters in its repository 'Team/app'; repository names must be lower-case." },
        { "no tags", s => s.Tags.Clear(), "PromoteImage: Tags is empty; expected at least one tag such as 'registry.example.com/team/app:1.0' or '1.0', found none. Add the tags to point at the digest." },
        { "tag with digest", s => s.Tags.Add("r.example.com/team/app@" + Digest), "PromoteImage: Tags has 'r.example.com/team/app@" + Digest + "', which holds a digest; expected a tag (a digest cannot be moved). Remove '@" + Digest + "'." },
        { "tag without tag", s => s.Tags.Add("r.example.com/team/other"), "PromoteImage: Tags has 'r.example.com/team/other' without a tag; expected 'registry/repository:tag'. Add ':tag' (or give a bare tag for the image's own repository)." },
        { "bare tag invalid", s => s.Tags.Add("-bad"), "PromoteImage: Tags has an invalid entry '-bad'; expected 'registry/repository:tag' or a bare tag such as '1.0', found: Image reference 'r.example.com/team/app:-bad' has an invalid tag '-bad'" },
        { "tag repeated", s => s.Tags.Add("r.example.com/team/app:1.0"), "PromoteImage: Tags lists 'r.example.com/team/app:1.0' more than once; expected each tag once. Remove the repeat." },
        { "user without password", s => s.Username = "cake", "PromoteImage: Username and Password go together for the registry credential; expected both or neither, found only Username. Set the other one, or clear both to use the docker config." },
        { "no attempts", s => s.MaxAttempts = 0, "PromoteImage: MaxAttempts is invalid; expected 1 or more, found 0. Set how many times a request is tried (default 4)." },
    };

    public static TheoryData<string, Action<MergeImagesSettings>, string> MergeCases => new()
    {
        { "no repository", s => s.Repository = null, "MergeImages: Repository is not set; expected a repository such as 'registry.example.com/team/app', found nothing. Set the repository the per-platform images were pushed to." },
        { "repository with tag", s => s.Repository = "r.example.com/team/app:1.0", "MergeImages: Repository 'r.example.com/team/app:1.0' names a tag; expected the repository alone, such as 'r.example.com/team/app'. Put tags in Tags." },
        { "no platforms", s => s.ExpectedPlatforms.Clear(), "MergeImages: ExpectedPlatforms is empty; expected the platforms the index must hold, such as linux/amd64 and linux/arm64, found none. List every platform the jobs build." },
        { "platform repeated", s => s.ExpectedPlatforms.Add("linux/arm64/v8"), "MergeImages: ExpectedPlatforms lists 'linux/arm64' more than once (after normalisation); expected each platform once. Remove the repeat." },
        { "no input", s => s.Images.Clear(), "MergeImages: no input is set; expected Images (digests) or RecordsDirectory (a folder of publish records), found neither. Pass the per-platform digests or the records folder." },
        { "image by tag", s => s.Images.Add("r.example.com/team/app:amd64"), "MergeImages: Images has 'r.example.com/team/app:amd64', which is not pinned by digest; expected 'sha256:…' or 'registry/repository@sha256:…'. Use the digest the per-platform build returned." },
        { "image from another repository", s => s.Images.Add("r.example.com/team/other@sha256:" + new string('b', 64)), "MergeImages: Images has 'r.example.com/team/other@sha256:" + new string('b', 64) + "' from repository 'r.example.com/team/other'; expected 'r.example.com/team/app'. Push every platform to the same repository (or promote it there first)." },
        { "image repeated", s => s.Images.Add("r.example.com/team/app@" + Digest), "MergeImages: Images lists '" + Digest + "' more than once; expected each result once. Remove the repeat." },
        { "empty annotation key", s => s.Annotations[" "] = "x", "MergeImages: Annotations has an empty key ' '; expected a key such as 'org.opencontainers.image.source'. Remove the entry or name it." },
        { "records folder missing", s => { s.Images.Clear(); s.RecordsDirectory = "/nonexistent/records"; }, "MergeImages: the records folder '/nonexistent/records' does not exist; expected a folder of *.json records written by Publish-Platform. Download the per-platform jobs' artifacts there first." },
    };

    private static ScriptedHandler Handler() => new((_, _) => ScriptedHandler.Respond(HttpStatusCode.InternalServerError));

    [Theory]
    [MemberData(nameof(PromoteCases))]
    public void Should_Refuse_Bad_PromoteImage_Settings_Before_Any_Request(string name, Action<PromoteImageSettings> spoil, string message)
    {
        // Given
        var settings = new PromoteImageSettings { Source = "r.example.com/team/app@" + Digest, Tags = { "1.0" } };
        spoil(settings);
        var before = (settings.Source, string.Join(",", settings.Tags));
        var handler = Handler();
        var made = false;

        // When
        var ex = Assert.Throws<CakeException>(() => new PromoteImageRunner(new RecordingLog().Log, _ => { made = true; return new RegistryClient(new RegistryClientOptions(), handler); }).Run(settings));

        // Then
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.False(made, name);
        Assert.Empty(handler.Requests);
        Assert.Equal(before, (settings.Source, string.Join(",", settings.Tags)));
    }

    [Theory]
    [MemberData(nameof(MergeCases))]
    public void Should_Refuse_Bad_MergeImages_Settings_Before_Any_Request(string name, Action<MergeImagesSettings> spoil, string message)
    {
        // Given
        var settings = new MergeImagesSettings { Repository = "r.example.com/team/app", Images = { Digest }, ExpectedPlatforms = { "linux/amd64", "linux/arm64" } };
        spoil(settings);
        var handler = Handler();
        var made = false;

        // When
        var ex = Assert.Throws<CakeException>(() => new MergeImagesRunner(new RecordingLog().Log, _ => { made = true; return new RegistryClient(new RegistryClientOptions(), handler); }).Run(settings));

        // Then
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.False(made, name);
        Assert.Empty(handler.Requests);
    }
}
