using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>The known-bad QEMU list (embedded QemuKnownBad.json, cited in docs/qemu.md) and the version lines it is matched against.</summary>
public sealed class QemuKnownBadTests
{
    [Theory]
    [InlineData("qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers", "7.2.22", "qemu-aarch64 version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)")]
    [InlineData("qemu-aarch64 version 10.2.3 (v10.2.3)\nCopyright", "10.2.3", "qemu-aarch64 version 10.2.3 (v10.2.3)")]
    [InlineData("Linaro qemu-riscv64 version 9.2.0\n", "9.2.0", "qemu-riscv64 version 9.2.0")]
    public void Should_Read_The_Version_Line(string output, string version, string text)
    {
        // When
        var parsed = QemuKnownBad.ParseVersionLine(output);

        // Then
        Assert.Equal((Version.Parse(version), text), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("box64 v0.3.0")]
    [InlineData("qemu-aarch64 version x.y")]
    public void Should_Not_Read_A_Version_From_Other_Output(string output) =>
        Assert.Null(QemuKnownBad.ParseVersionLine(output));

    [Theory]
    [InlineData("2026/12/03 10:00:00 binfmt/a161c41 qemu/v10.2.3 go/1.24.4", "10.2.3")]
    [InlineData("binfmt/7ff4843 qemu/v7.0.0 go/1.17.8", "7.0.0")]
    public void Should_Read_The_Installer_Version(string output, string version) =>
        Assert.Equal(Version.Parse(version), QemuKnownBad.ParseInstallerVersion(output));

    [Fact]
    public void Should_Load_Every_Entry_With_A_Cited_Thread()
    {
        // Then: the ten entries of docs/qemu.md, each with an issue address.
        Assert.Equal(
            ["openat2-missing", "musl-openat2-o-largefile", "systemd-260-internal-sigsegv", "libc-bin-segfault-9.2.0", "libc-bin-segfault-9.2.2", "libc-bin-segfault-10.1.3", "kernel-aslr-7.0.0", "upx-brk-8.0", "jvm-clone-6.1.0", "exit-binary-chroot-5.1"],
            QemuKnownBad.Entries.Select(e => e.Id));
        Assert.All(QemuKnownBad.Entries, e => Assert.StartsWith("https://github.com/", e.Issue, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("7.2.22", false, "linux/arm64", "openat2-missing")]
    [InlineData("7.2.22", false, "linux/s390x", "openat2-missing")]
    [InlineData("9.2.0", false, "linux/arm64", "libc-bin-segfault-9.2.0")]
    [InlineData("9.2.0", true, "linux/arm64", "musl-openat2-o-largefile,libc-bin-segfault-9.2.0")]
    [InlineData("9.2.0", false, "linux/riscv64", "")]
    [InlineData("10.1.3", true, "linux/arm64", "systemd-260-internal-sigsegv,libc-bin-segfault-10.1.3")]
    [InlineData("10.1.3", false, "linux/arm64", "systemd-260-internal-sigsegv")]
    [InlineData("10.0.10", false, "linux/arm64", "")]
    [InlineData("10.2.3", true, "linux/arm64", "")]
    [InlineData("7.0.0", true, "linux/ppc64le", "openat2-missing,kernel-aslr-7.0.0")]
    [InlineData("5.2.0", false, "linux/arm64", "openat2-missing,exit-binary-chroot-5.1")]
    public void Should_Match_The_Entries_That_Apply(string version, bool tonistiigi, string platform, string ids)
    {
        // When
        var applying = QemuKnownBad.Entries.Where(e => e.Applies(Version.Parse(version), tonistiigi, Platform.Parse(platform))).Select(e => e.Id);

        // Then
        Assert.Equal(ids, string.Join(",", applying));
    }

    [Fact]
    public void Should_Warn_Naming_The_Upstream_Thread()
    {
        // When
        var warning = Assert.Single(QemuKnownBad.Warnings(new Version(7, 2, 22), tonistiigi: false, Platform.Parse("linux/arm64")));

        // Then
        Assert.Equal("QEMU 7.2.22 is known to break builds for linux/arm64: openat2(2) not implemented: tar fails with 'Function not implemented' (https://github.com/abiosoft/colima/issues/1613; fixed in 9.2.0). See docs/qemu.md; pin a fixed installer (RegisterQemuSettings.Image).", warning);
    }
}
