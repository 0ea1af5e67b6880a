using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// The self-test against the real kernel. The test bed registers qemu-aarch64 and qemu-arm; the
/// other architectures, and every broken handler, are proved through entries of the tests' own
/// (<c>cmtest-…</c>) whose magic matches only the tagged programs of
/// tests/testbed/selftest-elf/programs.json (bytes 9–15 <c>CMTEST\0</c>), so no real binary ever
/// reaches them and the real <c>qemu-*</c> entries are never touched.
/// </summary>
[Collection("kernel")]
public sealed class QemuSelfTestKernelTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCakeContext _cake;

    public QemuSelfTestKernelTests()
    {
        _cake = new TestCakeContext(_dir.Path);
    }

    private static readonly JsonElement[] Programs = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "testbed", "selftest-elf", "programs.json"))).RootElement.GetProperty("programs").EnumerateArray().ToArray();

    private static JsonElement Program(string arch) => Programs.Single(p => p.GetProperty("arch").GetString() == arch);

    /// <summary>The tagged programs (only cmtest entries match them), by architecture.</summary>
    private static Dictionary<string, byte[]> Tagged() =>
        Programs.ToDictionary(p => p.GetProperty("arch").GetString()!, p => Convert.FromHexString(p.GetProperty("taggedHex").GetString()!), StringComparer.Ordinal);

    private static Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(TestBed.Binfmt).Where(f => Path.GetFileName(f) != "register").ToDictionary(f => f, File.ReadAllText);

    private static void RequireInterpreter(string qemu)
    {
        if (!File.Exists($"/usr/bin/qemu-{qemu}-static"))
        {
            TestPaths.SkipOrFail($"no /usr/bin/qemu-{qemu}-static (tests/testbed/setup.sh installs qemu-user-static)");
        }
    }

    [Fact]
    public void Should_Pass_For_Every_Platform_The_Test_Bed_Registers_And_Read_Its_Qemu_Version()
    {
        // Given: the test bed's own qemu-aarch64 and qemu-arm (only read).
        TestBed.RequireKernel();
        var before = Snapshot();
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, Platforms = { "linux/amd64", "linux/386", "linux/arm64", "linux/arm/v7", "linux/arm/v6" } };

        // When
        var result = _cake.Context.RegisterQemu(settings);

        // Then: native ones native, the emulated ones passed inside an empty root, the version is the one the kernel holds.
        Assert.All(result.Platforms, p => Assert.True(p.SelfTest!.Passed, p.SelfTest.ToString()));
        Assert.Equal([false, false, true, true, true], result.Platforms.Select(p => p.SelfTest!.Emulated));
        Assert.All(result.Platforms.Skip(2), p => Assert.True(p.SelfTest!.FixBinaryChecked));
        var version = TestBed.Run("/usr/bin/qemu-aarch64-static", "--version").Output.Split('\n')[0].Trim();
        Assert.Equal(version, result.Platforms[2].SelfTest!.QemuVersion);
        Assert.Equal(version.Replace("aarch64", "arm", StringComparison.Ordinal), result.Platforms[3].SelfTest!.QemuVersion);
        Assert.Equal(before, Snapshot());
        Assert.Equal("linux/arm64 programs run through entry 'qemu-aarch64' (flags 'POF', interpreter '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', enabled), also inside an empty root as in a container (F flag) (exit 42).", result.Platforms[2].SelfTest!.Reason);
    }

    [Theory]
    [InlineData("riscv64", "riscv64")]
    [InlineData("ppc64le", "ppc64le")]
    [InlineData("s390x", "s390x")]
    [InlineData("mips64le", "mips64el")]
    [InlineData("loong64", "loongarch64")]
    public void Should_Pass_Through_A_Test_Entry_For_Each_Architecture_The_Bed_Can_Emulate(string arch, string qemu)
    {
        // Given: an F entry of our own that only the tagged program matches.
        TestBed.RequireKernel();
        RequireInterpreter(qemu);
        using var entry = new TestEntry(Program(arch), $"/usr/bin/qemu-{qemu}-static", "F");

        // When
        var result = Assert.Single(new QemuSelfTest { Programs = Tagged() }.Run([(Platform.Parse("linux/" + arch), true)], null));

        // Then
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.FixBinaryChecked);
        Assert.StartsWith($"qemu-{qemu} version ", result.QemuVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Fail_With_Enoent_When_The_Handler_Points_At_A_Missing_Interpreter()
    {
        // Given: without F (with F the kernel refuses the registration itself: ENOENT on 'register').
        TestBed.RequireKernel();
        using var entry = new TestEntry(Program("arm64"), "/nonexistent/qemu-aarch64-" + Guid.NewGuid().ToString("N")[..8], string.Empty);

        // When
        var result = Assert.Single(new QemuSelfTest { Programs = Tagged() }.Run([(Platform.Parse("linux/arm64"), true)], null));

        // Then
        Assert.False(result.Passed);
        Assert.Equal("the interpreter of the binfmt_misc handler for linux/arm64 does not exist (no qemu-* entry): the kernel answered 'No such file or directory' (ENOENT) for a program that exists.", result.Reason);
        Assert.Equal("install the emulators (Debian/Ubuntu: apt-get install qemu-user-static) or register them again: RegisterQemu with Reset = true.", result.Fix);
    }

    [Fact]
    public void Should_Fail_Inside_An_Empty_Root_When_The_Handler_Lacks_The_F_Flag()
    {
        // Given
        TestBed.RequireKernel();
        RequireInterpreter("aarch64");
        using var entry = new TestEntry(Program("arm64"), "/usr/bin/qemu-aarch64-static", string.Empty);

        // When
        var result = Assert.Single(new QemuSelfTest { Programs = Tagged() }.Run([(Platform.Parse("linux/arm64"), true)], null));

        // Then: it runs on the host, not in the chroot.
        Assert.False(result.Passed);
        Assert.True(result.FixBinaryChecked);
        Assert.StartsWith("linux/arm64 programs run on the host through no qemu-* entry, but not inside an empty root as in a container (exit 127: ", result.Reason, StringComparison.Ordinal);
        Assert.EndsWith("the handler lacks the F flag, so the kernel looks for the interpreter in the container's files.", result.Reason, StringComparison.Ordinal);
        Assert.Equal("register it again with the F flag: RegisterQemu with Reset = true.", result.Fix);
    }

    [Fact]
    public void Should_Fail_With_Enoexec_When_The_Handler_Is_Disabled()
    {
        // Given: a disabled entry, listed in the table the self-test is given.
        TestBed.RequireKernel();
        RequireInterpreter("aarch64");
        using var entry = new TestEntry(Program("arm64"), "/usr/bin/qemu-aarch64-static", "F");
        TestEntry.Write(Path.Combine(TestBed.Binfmt, entry.Name), "0");
        var table = BinfmtTable.Read(TestBed.Binfmt);
        var listed = table with { Entries = new Dictionary<string, BinfmtEntry> { ["qemu-aarch64"] = table.Entries[entry.Name] with { Name = entry.Name } } };

        // When
        var result = Assert.Single(new QemuSelfTest { Programs = Tagged() }.Run([(Platform.Parse("linux/arm64"), true)], listed));

        // Then
        Assert.False(result.Passed);
        Assert.Equal($"the binfmt_misc entry '{entry.Name}' is disabled, so the kernel refuses linux/arm64 programs (exec format error, ENOEXEC).", result.Reason);
        Assert.Equal($"enable it (echo 1 > {TestBed.Binfmt}/{entry.Name}) or register it again: RegisterQemu with Reset = true.", result.Fix);
    }

    [Fact]
    public void Should_Fail_With_Enoexec_When_Nothing_Matches()
    {
        // Given: no entry matches the tagged riscv64 program.
        TestBed.RequireKernel();

        // When
        var result = Assert.Single(new QemuSelfTest { Programs = Tagged() }.Run([(Platform.Parse("linux/riscv64"), true)], null));

        // Then
        Assert.False(result.Passed);
        Assert.Equal("no enabled binfmt_misc handler matches linux/riscv64 programs (no qemu-* entry): the kernel refused the program (exec format error, ENOEXEC).", result.Reason);
        Assert.Equal("register an emulator for it: RegisterQemu with Platforms = linux/riscv64.", result.Fix);
    }

    [Fact]
    public void Should_Report_Everything_And_Change_Nothing_When_Check_Only()
    {
        // Given
        TestBed.RequireKernel();
        var before = Snapshot();
        var settings = new RegisterQemuSettings { CheckOnly = true, Image = "tonistiigi/binfmt:latest", Platforms = { "linux/arm64", "linux/arm/v7", "linux/riscv64" } };
        if (File.Exists(Path.Combine(TestBed.Binfmt, "qemu-riscv64")))
        {
            TestPaths.SkipOrFail("qemu-riscv64 is registered on this machine; the doctor test expects it missing");
        }

        // When: no exception although riscv64 does not run.
        var result = _cake.Context.RegisterQemu(settings);

        // Then
        Assert.Equal(before, Snapshot());
        Assert.Equal([QemuPlatformState.AlreadyRegistered, QemuPlatformState.AlreadyRegistered, QemuPlatformState.Failed], result.Platforms.Select(p => p.State));
        Assert.Equal([true, true, false], result.Platforms.Select(p => p.SelfTest!.Passed));
        var rows = result.Table.Split('\n');
        Assert.StartsWith($"kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}; binfmt_misc at /proc/sys/fs/binfmt_misc: mounted, enabled; entries: ", rows[0], StringComparison.Ordinal);
        Assert.Equal("PLATFORM       STATE             ENTRY            FLAGS INTERPRETER                                  QEMU     SELF-TEST", rows[1]);
        Assert.Matches(@"^linux/arm64    AlreadyRegistered qemu-aarch64     POF   /usr/libexec/qemu-binfmt/aarch64-binfmt-P    \d+\.\d+\.\d+ +passed \(F proven\)$", rows[2]);
        Assert.Equal("linux/riscv64  Failed            qemu-riscv64     -     -                                            -        FAILED", rows[4]);
        Assert.Contains(result.Warnings, w => w.StartsWith("Image 'tonistiigi/binfmt:latest' is a mutable reference (no @sha256: digest)", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: " + r));
    }

    [Fact]
    public void Should_Run_A_Container_Of_Each_Emulated_Platform_With_Self_Test_Image()
    {
        // Given: the test bed's two-platform busybox.
        TestBed.RequireKernel();
        TestBed.RequireDocker();
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, SelfTestImage = "127.0.0.1:5000/testbed/busybox:1", Platforms = { "linux/arm64" } };

        // When
        var result = _cake.Context.RegisterQemu(settings);

        // Then
        Assert.True(Assert.Single(result.Platforms).SelfTest!.ImagePassed);
    }

    [Fact]
    public void Should_Fail_When_The_Self_Test_Image_Has_No_Such_Platform()
    {
        // Given: busybox:1 has amd64 and arm64 only.
        TestBed.RequireKernel();
        TestBed.RequireDocker();
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, SelfTestImage = "127.0.0.1:5000/testbed/busybox:1", Platforms = { "linux/arm/v7" } };

        // When
        var ex = Assert.Throws<CakeException>(() => _cake.Context.RegisterQemu(settings));

        // Then
        Assert.StartsWith("RegisterQemu: the self-test failed for linux/arm/v7: linux/arm/v7 programs run through entry 'qemu-arm'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("But the engine could not run a linux/arm/v7 container of '127.0.0.1:5000/testbed/busybox:1': ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Fix: check that '127.0.0.1:5000/testbed/busybox:1' has a linux/arm/v7 variant and can be pulled, and restart the docker engine if it was started before the emulator was registered.", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A binfmt_misc entry of the tests' own, matching only the tagged program; removed on dispose.</summary>
    private sealed class TestEntry : IDisposable
    {
        public TestEntry(JsonElement program, string interpreter, string flags)
        {
            Name = $"cmtest-{program.GetProperty("qemu").GetString()}-{Guid.NewGuid().ToString("N")[..8]}";
            Write(Path.Combine(TestBed.Binfmt, "register"), $":{Name}:M::{program.GetProperty("testEntryMagic").GetString()}:{program.GetProperty("testEntryMask").GetString()}:{interpreter}:{flags}");
        }

        public string Name { get; }

        public static void Write(string path, string text)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(text));
        }

        public void Dispose() => Write(Path.Combine(TestBed.Binfmt, Name), "-1");
    }
}
