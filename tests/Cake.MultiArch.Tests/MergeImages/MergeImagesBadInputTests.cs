using System.Net;
using Cake.Core;
using Cake.MultiArch.MergeImages;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.MergeImages;

/// <summary>MergeImages refuses bad settings before any request (the registry client is never even made).</summary>
public sealed class MergeImagesBadInputTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

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
