using Cake.MultiArch.Platforms;
using Cake.MultiArch.Tests.Fixtures;
using Cake.MultiArch.VerifyManifest.Elf;

namespace Cake.MultiArch.Tests.VerifyManifest;

public sealed class ElfHeaderTests
{
    // e_ident (16 bytes) + e_type (2) + e_machine (2), laid out as the ELF spec says.
    private static byte[] Header(bool is64, bool little, ushort machine)
    {
        var bytes = new byte[20];
        bytes[0] = 0x7f;
        bytes[1] = (byte)'E';
        bytes[2] = (byte)'L';
        bytes[3] = (byte)'F';
        bytes[4] = (byte)(is64 ? 2 : 1);
        bytes[5] = (byte)(little ? 1 : 2);
        bytes[6] = 1;
        bytes[16] = little ? (byte)2 : (byte)0;
        bytes[17] = little ? (byte)0 : (byte)2;
        bytes[18] = little ? (byte)(machine & 0xff) : (byte)(machine >> 8);
        bytes[19] = little ? (byte)(machine >> 8) : (byte)(machine & 0xff);
        return bytes;
    }

    public static TheoryData<string> AllPlatforms => new(Platform.Supported.Select(p => p.ToString()));

    [Theory]
    [MemberData(nameof(AllPlatforms))]
    public void Should_Match_Its_Own_Platform_Only(string text)
    {
        var platform = Platform.Parse(text);
        var bytes = Header(platform.Info.Is64Bit, platform.Info.IsLittleEndian, platform.Info.ElfMachine);

        Assert.True(ElfHeader.TryRead(bytes, out var header));
        Assert.True(header.Matches(platform));
        Assert.Equal(platform.Architecture, header.Describe());
        Assert.All(Platform.Supported.Where(p => p.Info.QemuName != platform.Info.QemuName), other => Assert.False(header.Matches(other)));
    }

    [Fact]
    public void Should_Read_Real_Binaries()
    {
        Assert.True(ElfHeader.TryRead(File.ReadAllBytes("/bin/sh").AsSpan(0, 20), out var host));
        Assert.True(host.Matches(Platform.Host));
        if (!File.Exists(TestBed.Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {TestBed.Arm64Busybox} (tests/testbed/setup.sh fetches it)");
        }

        Assert.True(ElfHeader.TryRead(File.ReadAllBytes(TestBed.Arm64Busybox).AsSpan(0, 20), out var arm64));
        Assert.True(arm64.Matches("linux/arm64"));
        Assert.Equal(new ElfHeader(true, true, 183), arm64);
    }

    [Theory]
    [InlineData(true, false, 21, "ppc64 (big-endian)")]
    [InlineData(true, false, 8, "mips64 (big-endian)")]
    [InlineData(false, true, 62, "x32")]
    [InlineData(true, true, 0x5, "e_machine 0x5 (64-bit, little-endian)")]
    public void Should_Describe_Architectures_Outside_The_Model(bool is64, bool little, int machine, string expected)
    {
        Assert.True(ElfHeader.TryRead(Header(is64, little, (ushort)machine), out var header));
        Assert.Equal(expected, header.Describe());
        Assert.DoesNotContain(Platform.Supported, p => header.Matches(p));
    }

    [Theory]
    [InlineData(new byte[] { 0x23, 0x21, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x73, 0x68, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x7f, 0x45, 0x4c, 0x46, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 62, 0 })]
    [InlineData(new byte[] { 0x7f, 0x45, 0x4c, 0x46, 2, 1 })]
    public void Should_Not_Read_Scripts_Bad_Classes_Or_Short_Files(byte[] bytes)
    {
        Assert.False(ElfHeader.TryRead(bytes, out _));
    }
}
