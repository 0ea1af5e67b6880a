using System.Net;
using Cake.Core;
using Cake.MultiArch.PromoteImage;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.PromoteImage;

/// <summary>PromoteImage refuses bad settings before any request (the registry client is never even made) and never writes to the settings.</summary>
public sealed class PromoteImageBadInputTests
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
        { "user without password", s => s.Registry.Username = "cake", "PromoteImage: Username and Password go together for the registry credential; expected both or neither, found only Username. Set the other one, or clear both to use the docker config." },
        { "no attempts", s => s.Registry.MaxAttempts = 0, "PromoteImage: MaxAttempts is invalid; expected 1 or more, found 0. Set how many times a request is tried (default 4)." },
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
}
