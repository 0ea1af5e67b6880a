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
        public void Should_Round_Trip_Any_Arm64_Version_And_Keep_The_Arm64_Facts()
        {
            Gen.Int[8, 9].Select(Gen.Int[0, 99], Gen.Bool, Gen.OneOf("arm64", "aarch64", "ARM64"), (major, minor, plain, arch) => (Text: $"linux/{arch}/v{major}" + (plain ? string.Empty : $".{minor}"), Major: major, Minor: plain ? 0 : minor))
                .Sample(iter: 2000, assert: t =>
                {
                    // When
                    var platform = Platform.Parse(t.Text);

                    // Then: v8 and v8.0 are plain arm64, v9.0 is v9, the others are kept
                    var expected = (t.Major, t.Minor) switch
                    {
                        (8, 0) => "linux/arm64",
                        (_, 0) => $"linux/arm64/v{t.Major}",
                        _ => $"linux/arm64/v{t.Major}.{t.Minor}",
                    };
                    Assert.Equal(expected, platform.ToString());
                    Assert.Equal(platform, Platform.Parse(platform.ToString()));
                    Assert.Equal(Platform.Parse("linux/arm64").Info.ElfMachine, platform.Info.ElfMachine);
                    Assert.Equal(Platform.Parse("linux/arm64").Info.QemuName, platform.Info.QemuName);
                });
        }

        [Fact]
        public void Should_Read_A_Single_Architecture_As_The_Linux_Platform()
        {
            Gen.OneOf(Platform.Supported.Select(p => p.ToString()["linux/".Length..]).Where(a => !a.Contains('/', StringComparison.Ordinal)).Concat(Aliases).ToArray())
                .Sample(iter: 500, assert: arch => Assert.Equal(Platform.Parse("linux/" + arch), Platform.Parse(arch)));
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
                    // a known OS and a known architecture with a known variant or an Arm version
                    Assert.Contains(parsed.Os, new[] { "linux", "windows", "freebsd" });
                    Assert.Contains(Platform.Supported, p => p.Info == parsed.Info || (p.Architecture == parsed.Architecture && parsed.Architecture is "arm64" or "arm" && p.Info == parsed.Info with { Variant = p.Variant }));
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
