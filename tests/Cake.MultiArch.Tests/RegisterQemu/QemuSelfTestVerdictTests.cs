using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>The self-test's verdicts for the answers the kernel gives (recorded in tests/testbed/selftest-elf/failure-modes.log); the real runs are in Integration/QemuSelfTestKernelTests.</summary>
public sealed class QemuSelfTestVerdictTests
{
    private static readonly BinfmtEntry Pof = new("qemu-aarch64", true, "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "POF", 0, "7f454c46", "ffffffff", null);

    private static QemuSelfTestResult Classify(bool emulated, BinfmtEntry? entry, ExecAnswer direct, ExecAnswer? chroot = null) =>
        QemuSelfTestVerdict.Classify(Platform.Parse(emulated ? "linux/arm64" : "linux/amd64"), emulated, entry, "/proc/sys/fs/binfmt_misc", direct, chroot);

    [Fact]
    public void Should_Name_A_Crash_By_Its_Signal() =>
        Assert.Equal(
            ("the linux/arm64 self-test program exited with 139 (signal 11) instead of 42 through entry 'qemu-aarch64' (flags 'POF', interpreter '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', enabled): qemu: uncaught target signal 11 (Segmentation fault) - core dumped.", "replace the emulator: RegisterQemu with Reset = true, with a QEMU not known to be broken (docs/qemu.md)."),
            (Classify(true, Pof, new ExecAnswer(139, null, "qemu: uncaught target signal 11 (Segmentation fault) - core dumped")).Reason, Classify(true, Pof, new ExecAnswer(139, null, string.Empty)).Fix));

    [Fact]
    public void Should_Say_The_Host_Does_Not_Run_A_Native_Platform_It_Refuses()
    {
        var result = Classify(false, null, new ExecAnswer(null, 8, "Exec format error"));
        Assert.False(result.Passed);
        Assert.Equal("the host does not run linux/amd64 programs natively: the kernel refused the program (exec format error, ENOEXEC).", result.Reason);
    }

    [Fact]
    public void Should_Fail_Without_Root_When_The_Entry_Lists_No_F_Flag()
    {
        var result = Classify(true, Pof with { Flags = "PO" }, new ExecAnswer(42, null, string.Empty));
        Assert.False(result.Passed);
        Assert.False(result.FixBinaryChecked);
        Assert.Equal("linux/arm64 programs run on the host through entry 'qemu-aarch64' (flags 'PO', interpreter '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', enabled), but the entry lacks the F flag, so inside a container the kernel looks for the interpreter in the container's files and fails.", result.Reason);
    }

    [Fact]
    public void Should_Pass_Without_Root_Saying_The_F_Flag_Was_Not_Proven()
    {
        var result = Classify(true, Pof, new ExecAnswer(42, null, string.Empty));
        Assert.True(result.Passed);
        Assert.False(result.FixBinaryChecked);
        Assert.EndsWith("the F flag was not proven by a run inside an empty root, which needs root (chroot).", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Pass_When_The_Program_Runs_Inside_An_Empty_Root()
    {
        var answer = new ExecAnswer(42, null, string.Empty);
        var result = Classify(true, Pof, answer, answer);
        Assert.True(result.Passed);
        Assert.True(result.FixBinaryChecked);
        Assert.Null(result.Fix);
    }
}
