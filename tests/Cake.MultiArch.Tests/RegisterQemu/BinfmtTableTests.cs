using Cake.Core;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.RegisterQemu;

public sealed class BinfmtTableTests
{
    [Fact]
    public void Should_Parse_A_Real_Entry()
    {
        var entry = BinfmtEntry.Parse("qemu-aarch64", TestPaths.ReadFixture("binfmt/qemu-aarch64"));
        Assert.True(entry.Enabled);
        Assert.Equal("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", entry.Interpreter);
        Assert.Equal("POF", entry.Flags);
        Assert.True(entry.FixBinary);
        Assert.Equal(0, entry.Offset);
        Assert.Equal("7f454c460201010000000000000000000200b700", entry.Magic);
        Assert.Equal("ffffffffffffff00fffffffffffffffffeffffff", entry.Mask);
        Assert.Null(entry.Extension);
    }

    [Fact]
    public void Should_Tolerate_The_Empty_Flags_Line_Of_Older_Kernels()
    {
        var text = TestPaths.ReadFixture("binfmt/qemu-arm").Replace("flags: POF", "flags: ", StringComparison.Ordinal).Replace("enabled", "disabled", StringComparison.Ordinal);
        var entry = BinfmtEntry.Parse("qemu-arm", text);
        Assert.Equal(string.Empty, entry.Flags);
        Assert.False(entry.FixBinary);
        Assert.False(entry.Enabled);
        Assert.Equal("/usr/libexec/qemu-binfmt/arm-binfmt-P", entry.Interpreter);
    }

    [Fact]
    public void Should_Read_The_Whole_Table()
    {
        var table = BinfmtTable.Read(TestPaths.Fixture("binfmt"));
        Assert.True(table.Enabled);
        Assert.Equal(["qemu-aarch64", "qemu-arm", "qemu-riscv64"], table.Entries.Keys.Order());
        Assert.Equal("7f454c460201010000000000000000000200f300", table.Entries["qemu-riscv64"].Magic);
    }

    [Fact]
    public void Should_Say_How_To_Mount_When_Not_Mounted()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<CakeException>(() => BinfmtTable.Read(dir.Path));
        Assert.Equal($"RegisterQemu: binfmt_misc is not mounted at '{dir.Path}'; expected its 'status' and 'register' files. Mount it: mount -t binfmt_misc binfmt_misc {dir.Path}", ex.Message);
    }
}
