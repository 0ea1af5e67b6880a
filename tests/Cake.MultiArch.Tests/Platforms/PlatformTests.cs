using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Tests.Platforms;

public sealed class PlatformTests
{
    public sealed class TheParseMethod
    {
        // Normalisation rows after containerd platforms_test.go / database.go normalizeArch.
        [Theory]
        [InlineData("linux/amd64", "linux/amd64")]
        [InlineData("linux/x86_64", "linux/amd64")]
        [InlineData("linux/x86-64", "linux/amd64")]
        [InlineData("linux/amd64/v1", "linux/amd64")]
        [InlineData("linux/aarch64", "linux/arm64")]
        [InlineData("linux/arm64/v8", "linux/arm64")]
        [InlineData("linux/arm64/8", "linux/arm64")]
        [InlineData("linux/aarch64/v8", "linux/arm64")]
        [InlineData("linux/arm", "linux/arm/v7")]
        [InlineData("linux/arm/7", "linux/arm/v7")]
        [InlineData("linux/arm/v7", "linux/arm/v7")]
        [InlineData("linux/armhf", "linux/arm/v7")]
        [InlineData("linux/armel", "linux/arm/v6")]
        [InlineData("linux/arm/6", "linux/arm/v6")]
        [InlineData("linux/arm/v5", "linux/arm/v5")]
        [InlineData("linux/arm/5", "linux/arm/v5")]
        [InlineData("linux/i386", "linux/386")]
        [InlineData("linux/386", "linux/386")]
        [InlineData("linux/ppc64le", "linux/ppc64le")]
        [InlineData("linux/s390x", "linux/s390x")]
        [InlineData("linux/riscv64", "linux/riscv64")]
        [InlineData("linux/loong64", "linux/loong64")]
        [InlineData("linux/loongarch64", "linux/loong64")]
        [InlineData("linux/mips64le", "linux/mips64le")]
        [InlineData("LINUX/ARM64", "linux/arm64")]
        [InlineData(" linux/arm64 ", "linux/arm64")]
        [InlineData("windows/amd64", "windows/amd64")]
        public void Should_Normalise_When_Parsing(string input, string expected)
        {
            // Given / When
            var platform = Platform.Parse(input);

            // Then
            Assert.Equal(expected, platform.ToString());
        }

        [Fact]
        public void Should_Treat_Arm64V8_And_Arm64_As_Equal()
        {
            // Given
            var a = Platform.Parse("linux/arm64/v8");
            var b = Platform.Parse("linux/aarch64");

            // Then
            Assert.Equal(a, b);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
            Assert.NotEqual(Platform.Parse("linux/arm/v6"), Platform.Parse("linux/arm/v7"));
        }

        [Theory]
        [InlineData("linux/arm/v7", "arm", "v7")]
        [InlineData("linux/arm64", "arm64", null)]
        public void Should_Expose_Parts(string input, string arch, string? variant)
        {
            var platform = Platform.Parse(input);
            Assert.Equal("linux", platform.Os);
            Assert.Equal(arch, platform.Architecture);
            Assert.Equal(variant, platform.Variant);
        }

        // As buildx (docker buildx build --platform arm64): one part is an architecture on the build
        // machine's OS (linux), or an OS on the build machine's architecture.
        [Theory]
        [InlineData("arm64", "linux/arm64")]
        [InlineData("aarch64", "linux/arm64")]
        [InlineData("x86_64", "linux/amd64")]
        [InlineData("amd64", "linux/amd64")]
        [InlineData("arm", "linux/arm/v7")]
        [InlineData("armhf", "linux/arm/v7")]
        [InlineData("armel", "linux/arm/v6")]
        [InlineData("i386", "linux/386")]
        [InlineData("riscv64", "linux/riscv64")]
        [InlineData(" ARM64 ", "linux/arm64")]
        public void Should_Take_An_Architecture_Alone_As_The_Build_Machines_Os(string input, string expected)
        {
            // Given / When
            var platform = Platform.Parse(input);

            // Then
            Assert.Equal(expected, platform.ToString());
            Assert.Equal(Platform.Parse(expected), platform);
        }

        [Theory]
        [InlineData("linux")]
        [InlineData("windows")]
        [InlineData("FreeBSD")]
        public void Should_Take_An_Os_Alone_As_The_Build_Machines_Architecture(string input)
        {
            // Given / When
            var platform = Platform.Parse(input);

            // Then
            Assert.Equal(input.ToLowerInvariant(), platform.Os);
            Assert.Equal(Platform.Host.ToString()[("linux".Length)..], platform.ToString()[input.Length..]);
        }

        // containerd's Arm versions (database.go normalizeArch): v8 and v8.0 are plain arm64, 9 / 9.0 / v9.0 are v9.
        [Theory]
        [InlineData("linux/arm64/v8.2", "linux/arm64/v8.2")]
        [InlineData("linux/arm64/V8.2", "linux/arm64/v8.2")]
        [InlineData("linux/aarch64/v8.1", "linux/arm64/v8.1")]
        [InlineData("linux/arm64/v8.0", "linux/arm64")]
        [InlineData("linux/arm64/v9", "linux/arm64/v9")]
        [InlineData("linux/arm64/9", "linux/arm64/v9")]
        [InlineData("linux/arm64/9.0", "linux/arm64/v9")]
        [InlineData("linux/arm64/v9.0", "linux/arm64/v9")]
        [InlineData("linux/arm64/v9.5", "linux/arm64/v9.5")]
        [InlineData("linux/arm/v8", "linux/arm/v8")]
        [InlineData("linux/arm/8", "linux/arm/v8")]
        [InlineData("linux/i386/v7", "linux/386")]
        public void Should_Keep_Arm_Versions(string input, string expected)
        {
            // Given / When
            var platform = Platform.Parse(input);

            // Then: printed normalised, the facts of the architecture kept, distinct from the plain value
            Assert.Equal(expected, platform.ToString());
            Assert.Equal(Platform.Parse(expected.Split('/')[0] + "/" + expected.Split('/')[1]).Info.QemuName, platform.Info.QemuName);
            Assert.Equal(platform, Platform.Parse(platform.ToString()));
        }

        [Fact]
        public void Should_Tell_Arm64_Versions_Apart()
        {
            Assert.NotEqual(Platform.Parse("linux/arm64/v9"), Platform.Parse("linux/arm64"));
            Assert.NotEqual(Platform.Parse("linux/arm64/v8.2"), Platform.Parse("linux/arm64/v8.1"));
            Assert.Equal(Platform.Parse("linux/arm64/v9"), Platform.Parse("linux/aarch64/9.0"));
            Assert.DoesNotContain(Platform.Parse("linux/arm64/v9"), Platform.Supported);
        }

        [Theory]
        [InlineData("linux/sparc64", "Platform 'linux/sparc64' has an unknown architecture 'sparc64'. Accepted: ")]
        [InlineData("plan9/amd64", "Platform 'plan9/amd64' has an unknown operating system 'plan9'; expected one of 'linux', 'windows', 'freebsd'.")]
        [InlineData("linux/arm/v9", "Platform 'linux/arm/v9' has an unknown variant 'v9' for architecture 'arm'. Accepted: ")]
        [InlineData("sparc64", "Platform 'sparc64' is neither an architecture nor an operating system; expected os/architecture[/variant] such as 'linux/arm64', or an architecture alone such as 'arm64' (meaning linux/arm64). Accepted: 'linux/386', 'linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/arm/v5', 'linux/arm/v6', 'linux/arm/v7', 'linux/arm64', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64', 'linux/loong64', 'linux/mips64le'.")]
        [InlineData("linux//arm64", "Platform 'linux//arm64' is not of the form os/architecture[/variant]. Accepted: ")]
        [InlineData("linux/arm/v7/x", "Platform 'linux/arm/v7/x' is not of the form os/architecture[/variant]. Accepted: ")]
        [InlineData("", "A platform is empty; expected os/architecture[/variant], one of ")]
        [InlineData(null, "A platform is empty; expected os/architecture[/variant], one of ")]
        public void Should_Explain_What_Is_Accepted_When_Invalid(string? input, string expectedStart)
        {
            var ex = Assert.Throws<ArgumentException>(() => Platform.Parse(input!));
            Assert.StartsWith(expectedStart, ex.Message);
        }

        [Fact]
        public void Should_Return_False_From_TryParse_When_Invalid()
        {
            Assert.False(Platform.TryParse("linux/sparc64", out _));
            Assert.False(Platform.TryParse(null, out _));
            Assert.True(Platform.TryParse("linux/aarch64", out var p));
            Assert.Equal("linux/arm64", p.ToString());
        }
    }

    public sealed class TheInfoProperty
    {
        [Theory]
        [InlineData("linux/386", "qemu-i386", "386", 3, false, true)]
        [InlineData("linux/amd64", "qemu-x86_64", "amd64", 62, true, true)]
        [InlineData("linux/arm/v5", "qemu-arm", "arm", 40, false, true)]
        [InlineData("linux/arm/v6", "qemu-arm", "arm", 40, false, true)]
        [InlineData("linux/arm/v7", "qemu-arm", "arm", 40, false, true)]
        [InlineData("linux/arm64", "qemu-aarch64", "arm64", 183, true, true)]
        [InlineData("linux/ppc64le", "qemu-ppc64le", "ppc64le", 21, true, true)]
        [InlineData("linux/s390x", "qemu-s390x", "s390x", 22, true, false)]
        [InlineData("linux/riscv64", "qemu-riscv64", "riscv64", 243, true, true)]
        [InlineData("linux/loong64", "qemu-loongarch64", "loong64", 258, true, true)]
        [InlineData("linux/mips64le", "qemu-mips64el", "mips64le", 8, true, true)]
        public void Should_Know_Qemu_And_Elf_Facts(string platform, string qemu, string binfmt, int machine, bool is64, bool little)
        {
            var info = Platform.Parse(platform).Info;
            Assert.Equal(qemu, info.QemuName);
            Assert.Equal(binfmt, info.BinfmtName);
            Assert.Equal(machine, info.ElfMachine);
            Assert.Equal(is64, info.Is64Bit);
            Assert.Equal(little, info.IsLittleEndian);
        }

        [Fact]
        public void Should_Match_The_Real_Binfmt_Entry_Names()
        {
            // The fixtures are entries a real kernel listed after Debian's qemu-user-static registered.
            foreach (var name in new[] { "qemu-aarch64", "qemu-arm", "qemu-riscv64" })
            {
                Assert.True(File.Exists(Fixtures.TestPaths.Fixture("binfmt/" + name)));
                Assert.Contains(Platform.Supported, p => p.Info.QemuName == name);
            }
        }
    }
}

public sealed class PlatformListTests
{
    [Fact]
    public void Should_Parse_A_Comma_List_And_Drop_Duplicates_In_Order()
    {
        var list = PlatformList.Parse("linux/arm64/v8, linux/amd64,linux/aarch64,linux/arm");
        Assert.Equal("linux/arm64,linux/amd64,linux/arm/v7", PlatformList.Format(list));
    }

    [Fact]
    public void Should_Find_Duplicates_After_Normalisation()
    {
        var duplicates = PlatformList.Duplicates(new Platform[] { "linux/arm64", "linux/amd64", "linux/aarch64", "linux/arm64/v8", "linux/x86_64" });
        Assert.Equal(["linux/arm64", "linux/amd64"], duplicates.Select(d => d.ToString()));
    }

    [Theory]
    [InlineData(null, "null")]
    [InlineData("", "''")]
    [InlineData(" , , ", "' , , '")]
    [InlineData(",", "','")]
    public void Should_Refuse_A_List_That_Names_No_Platform(string? value, string found)
    {
        // When: --platforms=, once became "every platform".
        var ex = Assert.Throws<Cake.Core.CakeException>(() => PlatformList.Parse(value!));

        // Then
        Assert.Equal($"The platform list names no platform; expected a comma-separated list such as 'linux/amd64,linux/arm64', found {found}. Name at least one platform, one of {Platform.AcceptedValues}.", ex.Message);
    }

    [Fact]
    public void Should_Report_Default_Platforms_Null_And_Empty_Lists()
    {
        Assert.Equal(
            [$"RequiredPlatforms[1] is an empty platform (default(Platform)); expected a platform made by Platform.Parse or a string such as 'linux/arm64', found an uninitialised value. Use one of {Platform.AcceptedValues}."],
            PlatformList.Validate("RequiredPlatforms", [Platform.Parse("linux/arm64"), default]));
        Assert.Equal([$"ExpectedPlatforms is empty; expected at least one platform such as 'linux/arm64', found none. Add the platforms, one of {Platform.AcceptedValues}."], PlatformList.Validate("ExpectedPlatforms", []));
        Assert.Empty(PlatformList.Validate("Platforms", [], allowEmpty: true));
        Assert.Equal(["Platforms is null; expected a list of platforms such as 'linux/arm64', found null. Add platforms to the list instead of replacing it."], PlatformList.Validate("Platforms", null));
        var ex = Assert.Throws<Cake.Core.CakeException>(() => PlatformList.ThrowIfInvalid("EnsureBuilder", "RequiredPlatforms", new Platform[2]));
        Assert.Equal(
            $"EnsureBuilder: RequiredPlatforms[0] is an empty platform (default(Platform)); expected a platform made by Platform.Parse or a string such as 'linux/arm64', found an uninitialised value. Use one of {Platform.AcceptedValues}.{System.Environment.NewLine}EnsureBuilder: RequiredPlatforms[1] is an empty platform (default(Platform)); expected a platform made by Platform.Parse or a string such as 'linux/arm64', found an uninitialised value. Use one of {Platform.AcceptedValues}.",
            ex.Message);
    }

    [Fact]
    public void Should_Give_Default_Platform_Empty_Parts_Instead_Of_Throwing()
    {
        Platform platform = default;
        Assert.True(platform.IsDefault);
        Assert.Equal((string.Empty, string.Empty, (string?)null, string.Empty), (platform.Os, platform.Architecture, platform.Variant, platform.ToString()));
        Assert.False(Platform.Parse("linux/arm64").IsDefault);
    }

    [Fact]
    public void Should_Name_The_Bad_Item_In_A_List()
    {
        var ex = Assert.Throws<ArgumentException>(() => PlatformList.Parse("linux/amd64,linux/arm65"));
        Assert.StartsWith("Platform 'linux/arm65' has an unknown architecture 'arm65'.", ex.Message);
    }
}
