using Cake.MultiArch.Qemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>RegisterQemu against the real kernel: real registrations, real emulated binaries.</summary>
[Collection("kernel")]
public sealed class RegisterQemuKernelTests : IDisposable
{
    private const string Dummy = "cake-multiarch-dummy";
    private readonly TempDirectory _dir = new();
    private readonly TestCakeContext _cake;

    public RegisterQemuKernelTests()
    {
        _cake = new TestCakeContext(_dir.Path);
    }

    private RegisterQemuResult Register(QemuRegistrationMode mode, bool reset = false, params string[] platforms)
    {
        var settings = new RegisterQemuSettings { Mode = mode, Reset = reset, Image = TestBed.InstallerImage };
        foreach (var p in platforms)
        {
            settings.Platforms.Add(p);
        }

        return _cake.Context.RegisterQemu(settings);
    }

    [Fact]
    public void Should_Register_From_The_Host_So_An_Arm64_Binary_Runs_Then_Do_Nothing_The_Second_Time()
    {
        // Given: no aarch64 emulator registered.
        TestBed.RequireKernel();
        TestBed.RemoveEntry("qemu-aarch64");
        Assert.NotEqual(0, TestBed.Run(TestBed.Arm64Busybox, "uname", "-m").ExitCode);

        // When
        var first = Register(QemuRegistrationMode.Host, platforms: "linux/arm64");

        // Then: the kernel has the entry with F, and a real arm64 binary runs.
        var line = Assert.Single(first.Platforms);
        Assert.Equal(QemuPlatformState.RegisteredNow, line.State);
        Assert.Equal("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", line.Interpreter);
        Assert.Contains('F', line.Flags!);
        var entry = File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-aarch64"));
        Assert.Contains("flags: POF", entry, StringComparison.Ordinal);
        var run = TestBed.Run(TestBed.Arm64Busybox, "uname", "-m");
        Assert.Equal((0, "aarch64\n"), run);

        // When: again
        var second = Register(QemuRegistrationMode.Host, platforms: "linux/arm64");

        // Then: the fast path left the entry as it was.
        Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(second.Platforms).State);
        Assert.Equal(entry, File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-aarch64")));
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: every wanted platform already has an enabled binfmt_misc entry with the F flag: nothing to do.");
    }

    [Fact]
    public void Should_Register_A_Bare_Static_Interpreter_When_The_Host_Has_No_Registration_File()
    {
        // Given: no registration files (as on distributions that ship only /usr/bin/qemu-*-static).
        TestBed.RequireKernel();
        TestBed.RemoveEntry("qemu-aarch64");
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, HostConfigDirectory = _dir.Combine("no-binfmt.d"), Platforms = { "linux/arm64" } };

        // When
        var result = _cake.Context.RegisterQemu(settings);

        // Then
        var line = Assert.Single(result.Platforms);
        Assert.Equal((QemuPlatformState.RegisteredNow, "/usr/bin/qemu-aarch64-static", "OCF"), (line.State, line.Interpreter, line.Flags));
        Assert.Equal((0, "aarch64\n"), TestBed.Run(TestBed.Arm64Busybox, "uname", "-m"));
    }

    [Fact]
    public void Should_Replace_An_Entry_Without_F()
    {
        TestBed.RequireKernel();
        TestBed.RemoveEntry("qemu-aarch64");
        var line = File.ReadAllLines("/usr/lib/binfmt.d/qemu-aarch64.conf").First(l => l.StartsWith(':'));
        File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), line[..line.LastIndexOf(':')] + ":OP");
        Assert.Contains("flags: PO\n", File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-aarch64")), StringComparison.Ordinal);

        var result = Register(QemuRegistrationMode.Host, platforms: "linux/arm64");

        Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
        Assert.Contains("flags: POF\n", File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-aarch64")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Reset_Only_The_Wanted_Qemu_Entries()
    {
        // Given: a non-QEMU handler (as Java, Wine or Python install) and another platform's emulator.
        TestBed.RequireKernel();
        TestBed.RemoveEntry(Dummy);
        File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), $":{Dummy}:E::cmadummy::/bin/true:");
        Register(QemuRegistrationMode.Host, platforms: ["linux/arm64", "linux/riscv64"]);
        var riscv = File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-riscv64"));

        try
        {
            // When
            var result = Register(QemuRegistrationMode.Host, reset: true, platforms: "linux/arm64");

            // Then: arm64 was removed and registered again; the others are untouched.
            Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
            Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: removing binfmt_misc entry 'qemu-aarch64' (Reset).");
            Assert.DoesNotContain(_cake.Log.Lines, l => l.Text.Contains("removing binfmt_misc entry 'qemu-riscv64'", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(TestBed.Binfmt, Dummy)));
            Assert.Contains("interpreter /bin/true", File.ReadAllText(Path.Combine(TestBed.Binfmt, Dummy)), StringComparison.Ordinal);
            Assert.Equal(riscv, File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-riscv64")));
            Assert.Equal(0, TestBed.Run(TestBed.Arm64Busybox, "true").ExitCode);
        }
        finally
        {
            TestBed.RemoveEntry(Dummy);
        }
    }

    [Fact]
    public void Should_Register_Through_A_Privileged_Installer_Container()
    {
        // Given: no riscv64 emulator; the local installer image (Docker Hub is out of reach here).
        TestBed.RequireKernel();
        TestBed.RequireDocker();
        TestBed.RemoveEntry("qemu-riscv64");

        // When
        var result = Register(QemuRegistrationMode.Container, platforms: ["linux/riscv64", "linux/amd64"]);

        // Then: the kernel has the entry the container registered, interpreter opened from the image (F).
        Assert.Equal([QemuPlatformState.RegisteredNow, QemuPlatformState.Native], result.Platforms.Select(p => p.State));
        var entry = BinfmtEntry.Parse("qemu-riscv64", File.ReadAllText(Path.Combine(TestBed.Binfmt, "qemu-riscv64")));
        Assert.Equal("/usr/bin/qemu-riscv64-static", entry.Interpreter);
        Assert.True(entry.FixBinary);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "installing riscv64: OK");
    }

    public void Dispose() => _dir.Dispose();
}
