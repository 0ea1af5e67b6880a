using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Tests.Platforms;

/// <summary>
/// Bad input to the parsers every alias shares (Platform, PlatformList, ImageReference): each row
/// expects the documented exception type, never a NullReference or index error, with a message that
/// names the value and what is accepted.
/// </summary>
public sealed class PlatformBadInputTests
{
    private static readonly string Sha = "sha256:" + new string('a', 64);

    private static readonly Dictionary<string, (Action Act, Type Exception, string[] Fragments)> Rows = new()
    {
        // Platform.Parse
        ["platform null"] = (() => Platform.Parse(null!), typeof(ArgumentException), ["A platform is empty; expected os/architecture[/variant], one of 'linux/386',"]),
        ["platform empty"] = (() => Platform.Parse(string.Empty), typeof(ArgumentException), ["A platform is empty;"]),
        ["platform blank"] = (() => Platform.Parse(" \t"), typeof(ArgumentException), ["A platform is empty;"]),
        ["platform one unknown part"] = (() => Platform.Parse("arm65"), typeof(ArgumentException), ["Platform 'arm65' is neither an architecture nor an operating system; expected os/architecture[/variant] such as 'linux/arm64', or an architecture alone such as 'arm64' (meaning linux/arm64). Accepted: 'linux/386',"]),
        ["platform unknown os alone"] = (() => Platform.Parse("plan9"), typeof(ArgumentException), ["Platform 'plan9' is neither an architecture nor an operating system;"]),
        ["platform os version"] = (() => Platform.Parse("windows(10.0.17763)"), typeof(ArgumentException), ["Platform 'windows(10.0.17763)' is neither an architecture nor an operating system;"]),
        ["platform arm64 version too new"] = (() => Platform.Parse("linux/arm64/v10"), typeof(ArgumentException), ["Platform 'linux/arm64/v10' has an unknown variant 'v10' for architecture 'arm64'.", "also 'linux/arm64/v8.N' and 'linux/arm64/v9[.N]' (Arm architecture versions), 'linux/arm/v8'."]),
        ["platform arm64 minor without v"] = (() => Platform.Parse("linux/arm64/8.2"), typeof(ArgumentException), ["Platform 'linux/arm64/8.2' has an unknown variant '8.2' for architecture 'arm64'."]),
        ["platform arm64 minor zero-padded"] = (() => Platform.Parse("linux/arm64/v8.01"), typeof(ArgumentException), ["Platform 'linux/arm64/v8.01' has an unknown variant 'v8.01' for architecture 'arm64'."]),
        ["platform trailing slash"] = (() => Platform.Parse("linux/"), typeof(ArgumentException), ["Platform 'linux/' is not of the form os/architecture[/variant]."]),
        ["platform leading slash"] = (() => Platform.Parse("/arm64"), typeof(ArgumentException), ["Platform '/arm64' is not of the form os/architecture[/variant]."]),
        ["platform double slash"] = (() => Platform.Parse("linux//arm64"), typeof(ArgumentException), ["Platform 'linux//arm64' is not of the form"]),
        ["platform four parts"] = (() => Platform.Parse("linux/arm64/v8/x"), typeof(ArgumentException), ["Platform 'linux/arm64/v8/x' is not of the form"]),
        ["platform unknown os"] = (() => Platform.Parse("plan9/amd64"), typeof(ArgumentException), ["Platform 'plan9/amd64' has an unknown operating system 'plan9'; expected one of 'linux', 'windows', 'freebsd'."]),
        ["platform unknown architecture"] = (() => Platform.Parse("linux/sparc64"), typeof(ArgumentException), ["Platform 'linux/sparc64' has an unknown architecture 'sparc64'. Accepted: 'linux/386',"]),
        ["platform unknown arm variant"] = (() => Platform.Parse("linux/arm/v9"), typeof(ArgumentException), ["Platform 'linux/arm/v9' has an unknown variant 'v9' for architecture 'arm'."]),
        ["platform unknown amd64 variant"] = (() => Platform.Parse("linux/amd64/v5"), typeof(ArgumentException), ["Platform 'linux/amd64/v5' has an unknown variant 'v5' for architecture 'amd64'."]),
        ["platform arm64 with arm variant"] = (() => Platform.Parse("linux/arm64/v7"), typeof(ArgumentException), ["Platform 'linux/arm64/v7' has an unknown variant 'v7' for architecture 'arm64'."]),
        ["platform backslash"] = (() => Platform.Parse(@"linux\arm64"), typeof(ArgumentException), [@"Platform 'linux\arm64' is neither an architecture nor an operating system"]),
        ["platform space inside"] = (() => Platform.Parse("linux/ arm64"), typeof(ArgumentException), ["Platform 'linux/ arm64' has an unknown architecture ' arm64'."]),
        ["platform implicit null"] = (() => _ = (Platform)(string)null!, typeof(ArgumentException), ["A platform is empty;"]),
        ["platform implicit typo"] = (() => _ = (Platform)"linux/amd46", typeof(ArgumentException), ["A string given for a platform setting (Platforms, RequiredPlatforms, NodePlatforms, ExpectedPlatforms or another list of Platform) is not a platform (a conversion cannot tell which setting it was given for: the build script line in the stack trace shows it). Platform 'linux/amd46' has an unknown architecture 'amd46'."]),

        // PlatformList.Parse
        ["list null"] = (() => PlatformList.Parse(null!), typeof(CakeException), ["The platform list names no platform; expected a comma-separated list such as 'linux/amd64,linux/arm64', found null."]),
        ["list empty"] = (() => PlatformList.Parse(string.Empty), typeof(CakeException), ["The platform list names no platform;", "found ''."]),
        ["list comma"] = (() => PlatformList.Parse(","), typeof(CakeException), ["The platform list names no platform;", "found ','."]),
        ["list commas and spaces"] = (() => PlatformList.Parse(" , , "), typeof(CakeException), ["found ' , , '."]),
        ["list only commas"] = (() => PlatformList.Parse(",,,"), typeof(CakeException), ["found ',,,'."]),
        ["list one bad item"] = (() => PlatformList.Parse("linux/amd64,arm65"), typeof(ArgumentException), ["Platform 'arm65' is neither an architecture nor an operating system"]),
        ["list semicolons"] = (() => PlatformList.Parse("linux/amd64;linux/arm64"), typeof(ArgumentException), ["Platform 'linux/amd64;linux/arm64' has an unknown architecture 'amd64;linux'."]),
        ["list spaces instead of commas"] = (() => PlatformList.Parse("linux/amd64 linux/arm64"), typeof(ArgumentException), ["Platform 'linux/amd64 linux/arm64' has an unknown architecture 'amd64 linux'."]),

        // PlatformList.ThrowIfInvalid (what EnsureBuilder and VerifyManifest call)
        ["setting null"] = (() => PlatformList.ThrowIfInvalid("VerifyManifest", "ExpectedPlatforms", null), typeof(CakeException), ["VerifyManifest: ExpectedPlatforms is null; expected a list of platforms such as 'linux/arm64', found null."]),
        ["setting empty"] = (() => PlatformList.ThrowIfInvalid("VerifyManifest", "ExpectedPlatforms", []), typeof(CakeException), ["VerifyManifest: ExpectedPlatforms is empty; expected at least one platform such as 'linux/arm64', found none."]),
        ["setting default platform"] = (() => PlatformList.ThrowIfInvalid("EnsureBuilder", "RequiredPlatforms", [Platform.Parse("linux/amd64"), default]), typeof(CakeException), ["EnsureBuilder: RequiredPlatforms[1] is an empty platform (default(Platform)); expected a platform made by Platform.Parse"]),

        // ImageReference.Parse
        ["image null"] = (() => ImageReference.Parse(null!), typeof(FormatException), ["An image reference is empty."]),
        ["image empty"] = (() => ImageReference.Parse(string.Empty), typeof(FormatException), ["An image reference is empty."]),
        ["image blank"] = (() => ImageReference.Parse("  "), typeof(FormatException), ["An image reference is empty."]),
        ["image empty tag"] = (() => ImageReference.Parse("app:"), typeof(FormatException), ["Image reference 'app:' has an invalid tag '';"]),
        ["image empty digest"] = (() => ImageReference.Parse("app@"), typeof(FormatException), ["Image reference 'app@' has an invalid digest '';"]),
        ["image only digest"] = (() => ImageReference.Parse("@" + Sha), typeof(FormatException), [$"Image reference '@{Sha}' has no repository name."]),
        ["image only tag"] = (() => ImageReference.Parse(":1.0"), typeof(FormatException), ["Image reference ':1.0' has no repository name."]),
        ["image leading slash"] = (() => ImageReference.Parse("/app"), typeof(FormatException), ["Image reference '/app' has an invalid repository '/app';"]),
        ["image trailing slash"] = (() => ImageReference.Parse("team/app/"), typeof(FormatException), ["Image reference 'team/app/' has an invalid repository 'team/app/';"]),
        ["image upper-case"] = (() => ImageReference.Parse("APP"), typeof(FormatException), ["Image reference 'APP' has upper-case letters in its repository 'APP';"]),
        ["image inner space"] = (() => ImageReference.Parse("team/my app"), typeof(FormatException), ["Image reference 'team/my app' has an invalid repository 'team/my app';"]),
        ["image bad port"] = (() => ImageReference.Parse("registry.example.com:port/app"), typeof(FormatException), ["Image reference 'registry.example.com:port/app' has an invalid registry host 'registry.example.com:port'; expected a host name or IP address with an optional ':port'."]),
        ["image host with space"] = (() => ImageReference.Parse("ex ample.com/app"), typeof(FormatException), ["Image reference 'ex ample.com/app' has an invalid registry host 'ex ample.com';"]),
        ["image tag of 129"] = (() => ImageReference.Parse("app:" + new string('a', 129)), typeof(FormatException), ["has an invalid tag 'aaaa", "a tag is 1 to 128 characters"]),
        ["image name over 255"] = (() => ImageReference.Parse("r.io/" + string.Join('/', Enumerable.Repeat(new string('a', 60), 5))), typeof(FormatException), ["has a name longer than 255 characters."]),
        ["image upper-case digest"] = (() => ImageReference.Parse("app@sha256:" + new string('A', 64)), typeof(FormatException), ["has an invalid digest 'sha256:AAAA", "expected 'sha256:' followed by 64 lower-case hex digits."]),
        ["image digest then tag"] = (() => ImageReference.Parse($"app@{Sha}:1"), typeof(FormatException), [$"Image reference 'app@{Sha}:1' has an invalid digest '{Sha}:1';"]),
        ["pin to null digest"] = (() => ImageReference.Parse("app:1").WithDigest(null!), typeof(FormatException), ["null is not a digest; expected 'sha256:' followed by 64 lower-case hex digits."]),
        ["pin to short digest"] = (() => ImageReference.Parse("app:1").WithDigest("sha256:abc"), typeof(FormatException), ["'sha256:abc' is not a digest;"]),
    };

    public static TheoryData<string> Cases => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Throw_The_Documented_Exception_With_A_Clear_Message(string name)
    {
        // Given
        var (act, type, fragments) = Rows[name];

        // When
        var ex = Record.Exception(act);

        // Then
        Assert.NotNull(ex);
        Assert.IsType(type, ex);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }
    }
}
