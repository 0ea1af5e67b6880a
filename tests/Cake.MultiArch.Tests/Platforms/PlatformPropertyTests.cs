using Cake.Core;
using Cake.MultiArch.Platforms;
using CsCheck;

namespace Cake.MultiArch.Tests.Platforms;

/// <summary>Properties of platform parsing: round trips, and only the documented exceptions for any text.</summary>
public sealed class PlatformPropertyTests
{
    // Text near the grammar (so that many samples are valid or nearly valid) and anything at all.
    private static readonly Gen<string> NearPlatform = Gen.OneOf(
        Gen.Char["linuxwdosfreeb/armd64v578_-xi3ppc6sl90rsc LINUXARM\t,"].Array[0, 24].Select(a => new string(a)),
        Gen.String,
        Gen.OneOf(Platform.Supported.ToArray()).Select(Gen.Int[0, 3], (p, cut) => p.ToString()[..Math.Max(0, p.ToString().Length - cut)]));

    private static readonly string[] Aliases = ["x86_64", "x86-64", "aarch64", "armhf", "armel", "i386", "i686", "loongarch64", "ppc64el", "mips64el"];

    public sealed class TheParseMethod
    {
        [Fact]
        public void Should_Round_Trip_Every_Known_Platform()
        {
            // Given / When / Then
            foreach (var platform in Platform.Supported)
            {
                Assert.Equal(platform, Platform.Parse(platform.ToString()));
                Assert.Equal(platform, Platform.Parse(PlatformList.Format([platform])));
            }
        }

        [Fact]
        public void Should_Ignore_Case_And_Surrounding_Space_When_Round_Tripping()
        {
            Gen.OneOf(Platform.Supported.ToArray())
                .Select(Gen.Bool.Array[16], Gen.Char[" \t"].Array[0, 3], (p, upper, pad) => (Platform: p, Text: new string(pad) + new string(p.ToString().Select((c, i) => upper[i % 16] ? char.ToUpperInvariant(c) : c).ToArray()) + new string(pad)))
                .Sample(iter: 2000, assert: t => Assert.Equal(t.Platform, Platform.Parse(t.Text)));
        }

        [Fact]
        public void Should_Normalise_Every_Alias_To_A_Known_Platform()
        {
            Gen.OneOf(Aliases).Select(Gen.OneOf("", "/v7", "/7", "/v8", "/8", "/v1"), (arch, variant) => "linux/" + arch + variant)
                .Sample(iter: 2000, assert: text =>
                {
                    if (Platform.TryParse(text, out var platform))
                    {
                        Assert.Contains(platform, Platform.Supported);
                        Assert.Equal(platform, Platform.Parse(platform.ToString()));
                    }
                });
        }

        [Fact]
        public void Should_Only_Ever_Throw_ArgumentException_For_Any_Text()
        {
            NearPlatform.Sample(iter: 2000, assert: text =>
            {
                // When
                Platform parsed = default;
                var error = Record.Exception(() => parsed = Platform.Parse(text));

                // Then: a known platform that round-trips, or the documented exception, naming the accepted values.
                if (error is null)
                {
                    Assert.Contains(parsed, Platform.Supported.Select(p => p).Concat(Platform.Supported.Select(p => Platform.Parse(p.ToString().Replace("linux", "windows", StringComparison.Ordinal)))).Concat(Platform.Supported.Select(p => Platform.Parse(p.ToString().Replace("linux", "freebsd", StringComparison.Ordinal)))));
                    Assert.Equal(parsed, Platform.Parse(parsed.ToString()));
                }
                else
                {
                    Assert.IsType<ArgumentException>(error);
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                }
            });
        }

        [Fact]
        public void Should_Never_Throw_From_TryParse_And_Agree_With_Parse()
        {
            NearPlatform.Sample(iter: 2000, assert: text =>
            {
                var ok = Platform.TryParse(text, out var platform);
                Assert.Equal(ok, Record.Exception(() => Platform.Parse(text)) is null);
                Assert.Equal(ok, !platform.IsDefault);
            });
        }
    }

    public sealed class TheListParseMethod
    {
        [Fact]
        public void Should_Return_A_Non_Empty_List_Or_Throw_A_Documented_Exception()
        {
            NearPlatform.Select(Gen.Int[0, 3], (a, n) => string.Join(',', Enumerable.Repeat(a, n)))
                .Sample(iter: 2000, assert: text =>
                {
                    IReadOnlyList<Platform>? list = null;
                    var error = Record.Exception(() => list = PlatformList.Parse(text));
                    if (error is null)
                    {
                        Assert.NotEmpty(list!);
                        Assert.Equal(list, PlatformList.Parse(PlatformList.Format(list!)));
                    }
                    else
                    {
                        Assert.True(error is CakeException or ArgumentException, error.GetType() + ": " + error.Message);
                        Assert.False(error is ArgumentNullException);
                    }
                });
        }

        [Fact]
        public void Should_Round_Trip_Any_List_Of_Known_Platforms()
        {
            Gen.OneOf(Platform.Supported.ToArray()).Array[1, 8]
                .Sample(iter: 2000, assert: platforms => Assert.Equal(platforms.Distinct(), PlatformList.Parse(PlatformList.Format(platforms))));
        }
    }
}
