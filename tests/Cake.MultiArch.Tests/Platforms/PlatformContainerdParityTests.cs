using System.Text.Json;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Platforms;

/// <summary>
/// containerd's own platform cases run through <see cref="Platform"/>: the tables in
/// <c>Fixtures/Data/peers/containerd-platforms/</c> (<c>parse.json</c>, <c>normalize.json</c>,
/// <c>match.json</c>), made from containerd/platforms @ 09756f59cb1d6b3fb368f371043d36e634789537
/// (<c>platforms_test.go</c>, <c>compare_test.go</c>, <c>database.go</c>, <c>platforms.go</c>; see the
/// README there). Host-dependent values are the table's <c>onLinuxAmd64Host</c> ones (our single-part
/// rule means linux). Every difference is listed here and in docs/platforms.md, with its reason.
/// </summary>
public sealed class PlatformContainerdParityTests
{
    private const string Folder = "peers/containerd-platforms/";

    // Deliberate differences in the printed name (docs/platforms.md): we print one name per value,
    // the normalised one, where containerd's Parse keeps the spelling of a three-part arm64/v8 and
    // drops the implied v7 of arm. The values still match each other both ways.
    private static readonly Dictionary<string, string> PrintedDifferently = new(StringComparer.Ordinal)
    {
        ["linux/arm64/v8"] = "linux/arm64",
        ["linux/arm"] = "linux/arm/v7",
        ["arm"] = "linux/arm/v7",
        ["armhf"] = "linux/arm/v7",
    };

    // Deliberately refused (docs/platforms.md): OS versions and features, operating systems no image
    // is built for here, and arm variants below v5 or above v8.
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["macOS"] = "neither an architecture nor an operating system",
        ["windows()"] = "neither an architecture nor an operating system",
        ["windows(10.0.17763)"] = "neither an architecture nor an operating system",
        ["windows(10.0.17763+win32k)"] = "neither an architecture nor an operating system",
        ["linux(+gpu)"] = "neither an architecture nor an operating system",
        ["linux(+gpu+simd)"] = "neither an architecture nor an operating system",
        ["linux(+unsorted+erofs)"] = "neither an architecture nor an operating system",
        ["windows(10.0.17763%2Bbuild.42)"] = "neither an architecture nor an operating system",
        ["windows(10.0.17763%2Bbuild.42+win32k)"] = "neither an architecture nor an operating system",
        ["windows(50%25done)"] = "neither an architecture nor an operating system",
        ["windows(10.0.17763)/amd64"] = "has an unknown operating system 'windows(10.0.17763)'",
        ["linux/arm/v4"] = "has an unknown variant 'v4' for architecture 'arm'",
        ["linux/arm/v9"] = "has an unknown variant 'v9' for architecture 'arm'",
        ["darwin/amd64"] = "has an unknown operating system 'darwin'",
        ["linux(+other)/amd64"] = "has an unknown operating system 'linux(+other)'",
        ["linux(+none)/amd64"] = "has an unknown operating system 'linux(+none)'",
    };

    private static readonly Lazy<JsonElement> Parse = new(() => Load("parse.json"));
    private static readonly Lazy<JsonElement> Normalize = new(() => Load("normalize.json"));
    private static readonly Lazy<JsonElement> Match = new(() => Load("match.json"));

    public static TheoryData<string> ParseCases() => Ids(Parse.Value.GetProperty("cases").EnumerateArray().Where(c => !c.TryGetProperty("skip", out _)), c => $"{c.GetProperty("test").GetString()}: {c.GetProperty("input").GetString()}");

    public static TheoryData<string> NormalizeArchCases() => Ids(Normalize.Value.GetProperty("normalizeArch").EnumerateArray(), c => ArchSpec(c.GetProperty("arch").GetString()!, c.GetProperty("variant").GetString()!));

    public static TheoryData<string> DocumentedCases() => Ids(Normalize.Value.GetProperty("documented").EnumerateArray(), c => c.GetProperty("value").GetString()!);

    public static TheoryData<string> StrictMatchCases() => Ids(StrictPairs(), PairId);

    public sealed class TheParseMethod
    {
        [Theory]
        [MemberData(nameof(ParseCases), MemberType = typeof(PlatformContainerdParityTests))]
        public void Should_Parse_As_Containerd_Does_When_Given_Its_Cases(string id)
        {
            // Given: parse.json, TestParseSelector / TestParseSelectorInvalid
            var row = Parse.Value.GetProperty("cases").EnumerateArray().Single(c => $"{c.GetProperty("test").GetString()}: {c.GetProperty("input").GetString()}" == id);
            var input = row.GetProperty("input").GetString()!;

            // When
            var error = Platform.TryParseCore(input, out var platform);

            // Then
            if (row.TryGetProperty("error", out _))
            {
                Assert.NotNull(error);
            }
            else if (Refused.TryGetValue(input, out var reason))
            {
                Assert.Contains(reason, error, StringComparison.Ordinal);
            }
            else
            {
                var host = row.GetProperty("onLinuxAmd64Host");
                var formatted = host.GetProperty("formatted").GetString()!;
                Assert.Null(error);
                Assert.Equal(PrintedDifferently.GetValueOrDefault(input, formatted), platform.ToString());
                Assert.Equal(Platform.Parse(formatted), platform);
                Assert.Equal(host.GetProperty("expected").GetProperty("os").GetString(), platform.Os);
                Assert.Equal(host.GetProperty("expected").GetProperty("arch").GetString(), platform.Architecture);
                foreach (var other in row.GetProperty("matcherAlsoMatches").EnumerateArray())
                {
                    Assert.Equal(platform, Platform.Parse(Spec(other)));
                }
            }
        }

        [Fact]
        public void Should_Count_Agreeing_Differing_And_Refused_Parse_Cases()
        {
            // Given: parse.json's cases (skip = wildcards, which the peer's test skips and we refuse)
            var cases = Parse.Value.GetProperty("cases").EnumerateArray().ToArray();
            var parsed = cases.Where(c => !c.TryGetProperty("skip", out _) && !c.TryGetProperty("error", out _)).Select(c => c.GetProperty("input").GetString()!).ToArray();

            // When / Then: the counts docs/platforms.md gives
            Assert.Equal((35, 3, 6, 26), (cases.Length, cases.Count(c => c.TryGetProperty("skip", out _)), cases.Count(c => c.TryGetProperty("error", out _)), parsed.Length));
            Assert.Equal(10, parsed.Count(Refused.ContainsKey));
            Assert.Equal(4, parsed.Count(PrintedDifferently.ContainsKey));
            Assert.All(cases.Where(c => c.TryGetProperty("skip", out _)), c => Assert.False(Platform.TryParse(c.GetProperty("input").GetString(), out _)));
        }

        [Theory]
        [MemberData(nameof(NormalizeArchCases), MemberType = typeof(PlatformContainerdParityTests))]
        public void Should_Normalise_As_Containerds_NormalizeArch(string spec)
        {
            // Given: normalize.json, normalizeArch (database.go)
            var row = Normalize.Value.GetProperty("normalizeArch").EnumerateArray().Single(c => ArchSpec(c.GetProperty("arch").GetString()!, c.GetProperty("variant").GetString()!) == spec);
            var expected = row.GetProperty("normalized");

            // When
            var platform = Platform.Parse("linux/" + spec);

            // Then
            Assert.Equal(expected.GetProperty("arch").GetString(), platform.Architecture);
            Assert.Equal(expected.GetProperty("variant").GetString(), platform.Variant ?? string.Empty);
        }

        [Theory]
        [MemberData(nameof(DocumentedCases), MemberType = typeof(PlatformContainerdParityTests))]
        public void Should_Normalise_As_Containerds_Documented_Table(string value)
        {
            // Given: normalize.json, documented (platforms.go's package documentation)
            var row = Normalize.Value.GetProperty("documented").EnumerateArray().Single(c => c.GetProperty("value").GetString() == value);
            var normalized = row.GetProperty("normalized").GetString()!;

            // When
            var error = Platform.TryParseCore(value.Replace(" (os)", string.Empty, StringComparison.Ordinal), out var platform);

            // Then: macOS is refused (no image is built for darwin here); armhf prints its implied v7.
            if (value == "macos (os)")
            {
                Assert.Contains("neither an architecture nor an operating system", error, StringComparison.Ordinal);
            }
            else
            {
                Assert.Null(error);
                Assert.Equal(PrintedDifferently.GetValueOrDefault(value, "linux/" + normalized), platform.ToString());
                Assert.Equal(Platform.Parse("linux/" + normalized), platform);
            }
        }

        [Theory]
        [InlineData("armel", "linux/arm/v6")]
        [InlineData("linux", "linux/amd64")]
        [InlineData("s390x", "linux/s390x")]
        [InlineData("linux/arm64/v9.6", "linux/arm64/v9.6")]
        [InlineData("linux/arm64/v8.10", "linux/arm64/v8.10")]
        public void Should_Follow_Containerds_Parse_Adjustments(string input, string expected)
        {
            // Given: normalize.json, parseAdjustments' examples (platforms_test.go TestParseSelector,
            // TestOnly), the host's architecture taken as amd64 (onLinuxAmd64Host)
            Assert.SkipWhen(Platform.Host.Architecture != "amd64" && input == "linux", "the OS alone means the host's architecture, and this host is not amd64");

            // When / Then
            Assert.Equal(expected, Platform.Parse(input).ToString());
        }
    }

    public sealed class TheEqualsMethod
    {
        [Theory]
        [MemberData(nameof(StrictMatchCases), MemberType = typeof(PlatformContainerdParityTests))]
        public void Should_Match_As_Containerds_Strict_Matcher(string id)
        {
            // Given: match.json, OnlyStrict (compare_test.go TestOnlyStrict) and NewMatcher
            // (platforms_test.go TestParseSelector): the same platform after normalisation, which is
            // what Platform's equality is.
            var pair = StrictPairs().Single(p => PairId(p) == id);
            var platformText = pair.GetProperty("platform").GetString()!;
            var otherText = Other(pair);

            // When
            var platformError = Platform.TryParseCore(platformText, out var platform);
            var otherError = Platform.TryParseCore(otherText, out var other);

            // Then: both parse and agree, or one is a refused form (docs/platforms.md)
            if (platformError is not null || otherError is not null)
            {
                Assert.True(Refused.ContainsKey(platformText) || Refused.ContainsKey(otherText), $"{platformError} {otherError}");
            }
            else
            {
                Assert.Equal(pair.GetProperty("match").GetBoolean(), platform == other);
            }
        }

        [Fact]
        public void Should_Agree_On_Every_Pair_Both_Sides_Accept_And_Count_The_Rest()
        {
            // Given: every pair of match.json
            var pairs = Match.Value.GetProperty("pairs").EnumerateArray().ToArray();

            // When
            var strict = pairs.Where(IsStrict).ToArray();
            var accepted = strict.Where(p => Platform.TryParse(p.GetProperty("platform").GetString(), out _) && Platform.TryParse(Other(p), out _)).ToArray();
            var agreeing = accepted.Count(p => (Platform.Parse(p.GetProperty("platform").GetString()!) == Platform.Parse(Other(p))) == p.GetProperty("match").GetBoolean());

            // Then: the counts docs/platforms.md gives
            Assert.Equal(310, pairs.Length);
            Assert.Equal(141, strict.Length);
            Assert.Equal(113, accepted.Length);
            Assert.Equal(113, agreeing);
            Assert.Equal(169, pairs.Count(p => !IsStrict(p)));
        }
    }

    private static JsonElement Load(string name) => JsonDocument.Parse(TestPaths.ReadFixture(Folder + name)).RootElement;

    private static TheoryData<string> Ids(IEnumerable<JsonElement> rows, Func<JsonElement, string> id)
    {
        var data = new TheoryData<string>();
        foreach (var row in rows)
        {
            data.Add(id(row));
        }

        return data;
    }

    private static bool IsStrict(JsonElement pair) => pair.GetProperty("comparer").GetString() is "OnlyStrict" or "NewMatcher";

    private static IEnumerable<JsonElement> StrictPairs() => Match.Value.GetProperty("pairs").EnumerateArray().Where(IsStrict);

    private static string PairId(JsonElement pair) => $"{pair.GetProperty("test").GetString()}: {pair.GetProperty("platform").GetString()} ~ {Other(pair)}";

    private static string Other(JsonElement pair) =>
        pair.TryGetProperty("other", out var other) ? other.GetString()! : Spec(pair.GetProperty("otherSpec"));

    private static string Spec(JsonElement spec) =>
        spec.GetProperty("os").GetString() + "/" + ArchSpec(spec.GetProperty("arch").GetString()!, spec.GetProperty("variant").GetString()!);

    private static string ArchSpec(string arch, string variant) => variant.Length == 0 ? arch : arch + "/" + variant;
}
