using Cake.Core;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>RegisterQemu's decisions, against a copy of a real binfmt_misc table in a folder (no kernel writes).</summary>
public sealed class RegisterQemuRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeDocker _docker = new();
    private readonly TestCakeContext _cake;
    private readonly string _binfmt;

    public RegisterQemuRunnerTests()
    {
        _cake = new TestCakeContext(_dir.Path);
        _binfmt = FakeBinfmtKernel.TableFromFixtures(_dir);
    }

    private RegisterQemuRunner Runner(string? kernel = "6.18.44") =>
        new(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools, _cake.Log.Log, new BinfmtHost
        {
            KernelRelease = () => kernel,
            HostPlatform = "linux/amd64",
            LockPath = _dir.Combine("binfmt.lock"),
        });

    [Fact]
    public void Should_Run_One_Container_Per_Emulated_Platform_With_Self_Test_Image()
    {
        // Given: the fixture table is the test bed's (qemu-aarch64, POF), so the kernel really runs the arm64 program; docker is fake.
        TestBed.RequireKernel();
        _docker.On("run");
        var runner = Runner();
        runner.Host.IsKernelTable = _ => true;
        var settings = Settings("linux/amd64", "linux/arm64");
        settings.SelfTestImage = "busybox:1.36";

        // When
        var result = runner.Run(settings);

        // Then: one run for arm64 (amd64 is native), in this order of arguments.
        Assert.Equal([["run", "--rm", "--platform", "linux/arm64", "busybox:1.36", "true"]], _docker.Calls.Select(c => c.ToArray()));
        Assert.Equal([null, true], result.Platforms.Select(p => p.SelfTest!.ImagePassed));
    }

    private RegisterQemuSettings Settings(params string[] platforms)
    {
        var settings = new RegisterQemuSettings { BinfmtMiscPath = _binfmt, ToolPath = _docker.Path, HostConfigDirectory = _dir.Combine("binfmt.d"), HostInterpreterDirectory = _dir.Combine("bin") };
        foreach (var p in platforms)
        {
            settings.Platforms.Add(p);
        }

        return settings;
    }

    [Fact]
    public void Should_Do_Nothing_When_Every_Platform_Is_Registered_With_F()
    {
        // Given: the real table has qemu-aarch64, qemu-arm and qemu-riscv64 with POF.
        var before = Directory.GetFiles(_binfmt).ToDictionary(f => f, File.ReadAllText);

        // When
        var result = Runner().Run(Settings("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/riscv64"));

        // Then
        Assert.Equal(
            [QemuPlatformState.Native, QemuPlatformState.AlreadyRegistered, QemuPlatformState.AlreadyRegistered, QemuPlatformState.AlreadyRegistered],
            result.Platforms.Select(p => p.State));
        Assert.Equal("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", result.Platforms[1].Interpreter);
        Assert.Equal("POF", result.Platforms[1].Flags);
        Assert.False(result.Changed);
        Assert.Empty(_docker.Calls);
        Assert.Equal(before, Directory.GetFiles(_binfmt).ToDictionary(f => f, File.ReadAllText));
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: every wanted platform already has an enabled binfmt_misc entry with the F flag: nothing to do.");
    }

    [Fact]
    public void Should_Run_The_Installer_For_Missing_Platforms_Only_And_Fail_When_It_Did_Not_Register()
    {
        // Given: tonistiigi/binfmt exits 0 even when an install fails.
        _docker.On("run", stdout: "installing: s390x qemu-s390x: operation not permitted\n");

        // When
        var ex = Assert.Throws<CakeException>(() => Runner().Run(Settings("linux/arm64", "linux/s390x", "linux/386")));

        // Then
        Assert.Equal(["run", "--privileged", "--rm", "tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0", "--install", "s390x"], _docker.Calls.Single());
        Assert.Equal(
            "RegisterQemu: linux/s390x (qemu-s390x) is still not registered with the F flag after the container registration. The installer said:" + System.Environment.NewLine +
            "  installing: s390x qemu-s390x: operation not permitted",
            ex.Message);
    }

    [Fact]
    public void Should_Pass_A_Pinned_Mirror_Image_And_The_Legacy_Style()
    {
        _docker.On("run");
        var settings = Settings("linux/ppc64le");
        settings.Image = "hub.example.com/multiarch/qemu-user-static:7.2.0-1";
        settings.InstallerStyle = QemuInstallerStyle.QemuUserStatic;
        Assert.Throws<CakeException>(() => Runner().Run(settings));
        Assert.Equal(["run", "--privileged", "--rm", "hub.example.com/multiarch/qemu-user-static:7.2.0-1", "--reset", "-p", "yes", "--credential", "yes"], _docker.Calls.Single());
    }

    [Fact]
    public void Should_Ask_For_Each_Binfmt_Name_Once()
    {
        _docker.On("run");
        Assert.Throws<CakeException>(() => Runner().Run(Settings("linux/s390x", "linux/loong64", "linux/mips64le", "linux/ppc64le")));
        Assert.Equal("s390x,loong64,mips64le,ppc64le", _docker.Calls.Single()[^1]);
    }

    [Fact]
    public void Should_Refuse_A_Kernel_Older_Than_4_8()
    {
        var ex = Assert.Throws<CakeException>(() => Runner("3.10.0-1160.el7.x86_64").Run(Settings("linux/arm64")));
        Assert.Equal("RegisterQemu: kernel 3.10.0-1160.el7.x86_64 is older than 4.8 and has no binfmt_misc F (fix binary) flag, so emulators cannot run inside containers; upgrade the kernel (CentOS 7's 3.10 is too old) or build on native nodes (EnsureBuilder AppendNodes).", ex.Message);
    }

    [Fact]
    public void Should_Name_The_Package_When_The_Host_Has_No_Emulator()
    {
        var settings = Settings("linux/s390x");
        settings.Mode = QemuRegistrationMode.Host;
        var ex = Assert.Throws<CakeException>(() => Runner().Run(settings));
        Assert.Equal($"RegisterQemu: no QEMU interpreter for linux/s390x on this host: no '{_dir.Combine("binfmt.d", "qemu-s390x.conf")}' and no '{_dir.Combine("bin", "qemu-s390x-static")}'. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static; Fedora: dnf install qemu-user-static), or use container mode.", ex.Message);
    }

    [Fact]
    public void Should_Name_The_Package_When_The_Conf_Points_At_A_Missing_Interpreter()
    {
        _dir.WriteFile("binfmt.d/qemu-s390x.conf", ":qemu-s390x:M::\\x7fELF:\\xff\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/nope-binfmt-P:OPF\n");
        var settings = Settings("linux/s390x");
        settings.Mode = QemuRegistrationMode.Host;
        var ex = Assert.Throws<CakeException>(() => Runner().Run(settings));
        Assert.Equal($"RegisterQemu: no QEMU interpreter for linux/s390x on this host: '/usr/libexec/qemu-binfmt/nope-binfmt-P' (named by '{_dir.Combine("binfmt.d", "qemu-s390x.conf")}') does not exist. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static).", ex.Message);
    }

    [Fact]
    public void Should_Say_How_To_Mount_When_Mounting_Fails()
    {
        // Given: an empty folder the user named for the mount, and a mount that fails (as for a non-root user).
        var settings = Settings("linux/arm64");
        settings.BinfmtMiscPath = _dir.Combine("mnt");
        settings.MountBinfmtMisc = true;
        Directory.CreateDirectory(settings.BinfmtMiscPath);
        var mount = TestBed.WriteExecutable(_dir.Combine("fake-mount", "mount"), "#!/bin/sh\necho \"$*\" > \"$(dirname \"$0\")/argv\"\necho 'mount: only root can use \"--types\" option' >&2\nexit 1\n");
        var runner = Runner();
        runner.Host.MountCommand = mount;

        // When
        var ex = Assert.Throws<CakeException>(() => runner.Run(settings));

        // Then
        Assert.Equal($"-t binfmt_misc binfmt_misc {settings.BinfmtMiscPath}\n", File.ReadAllText(_dir.Combine("fake-mount", "argv")));
        Assert.Equal($"RegisterQemu: binfmt_misc is not mounted at '{settings.BinfmtMiscPath}' and mounting it failed (exit code 1: mount: only root can use \"--types\" option). Run the build as root, or mount it once: sudo mount -t binfmt_misc binfmt_misc {settings.BinfmtMiscPath}", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(settings.BinfmtMiscPath));
    }

    [Fact]
    public void Should_Say_Run_As_Root_When_The_Kernel_Refuses_The_Registration()
    {
        // Given: 'register' refuses writes with EACCES, as binfmt_misc does for an unprivileged
        // user (a sysfs file that refuses even root stands in for it).
        if (!File.Exists("/sys/kernel/notes"))
        {
            TestPaths.SkipOrFail("/sys/kernel/notes is not there to stand in for a refusing register file");
        }

        File.Delete(Path.Combine(_binfmt, "qemu-aarch64"));
        File.CreateSymbolicLink(Path.Combine(_binfmt, "register"), "/sys/kernel/notes");
        _dir.WriteFile("binfmt.d/qemu-aarch64.conf", ":qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff\\xff:/bin/sh:OP\n");
        var settings = Settings("linux/arm64");
        settings.Mode = QemuRegistrationMode.Host;

        // When
        var ex = Assert.Throws<CakeException>(() => Runner().Run(settings));

        // Then
        Assert.StartsWith($"RegisterQemu: not privileged to register 'qemu-aarch64': writing '{Path.Combine(_binfmt, "register")}' was refused (", ex.Message);
        Assert.EndsWith("Run the build as root (or with CAP_SYS_ADMIN), or use container mode with a privileged docker engine.", ex.Message);
    }

    [Fact]
    public void Should_Explain_That_Binfmt_Misc_Is_Linux_Only()
    {
        var mac = NSubstitute.Substitute.For<Cake.Core.ICakePlatform>();
        NSubstitute.SubstituteExtensions.Returns(mac.Family, Cake.Core.PlatformFamily.OSX);
        NSubstitute.SubstituteExtensions.Returns(_cake.Environment.Platform, mac);
        var ex = Assert.Throws<CakeException>(() => Runner().Run(Settings("linux/arm64")));
        Assert.Equal("RegisterQemu: this machine runs OSX, not Linux; binfmt_misc is a Linux kernel feature. On Docker Desktop (macOS, Windows) QEMU emulation is already set up.", ex.Message);
        Assert.Empty(_docker.Calls);
    }

    [Theory]
    [InlineData("qemu-aarch64")]
    [InlineData("qemu-arm")]
    [InlineData("qemu-riscv64")]
    public void Should_Know_The_Magic_And_Mask_The_Kernel_Lists(string name)
    {
        // The fixtures are what a real kernel listed for Debian's registrations.
        var entry = BinfmtEntry.Parse(name, TestPaths.ReadFixture("binfmt/" + name));
        var (magic, mask) = QemuMagic.For(name)!.Value;
        Assert.Equal(entry.Magic, QemuMagic.ToHex(magic));
        Assert.Equal(entry.Mask, QemuMagic.ToHex(mask));
    }

    [Fact]
    public void Should_Build_A_Registration_From_A_Bare_Static_Interpreter()
    {
        var interpreter = _dir.WriteFile("bin/qemu-riscv64-static", "stand-in");
        var line = HostRegistrations.Host(Settings(), "linux/riscv64")!.Line;
        Assert.Equal($":qemu-riscv64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:{interpreter}:OCF", line);
    }

    [Fact]
    public void Should_Prefer_A_Fedora_Style_Registration_File()
    {
        _dir.WriteFile("binfmt.d/qemu-aarch64-static.conf", ":qemu-aarch64-static:M::\\x7fELF:\\xff\\xff\\xff\\xff:/bin/sh:F\n");
        _dir.WriteFile("bin/qemu-aarch64-static", "stand-in");
        Assert.Equal(":qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff\\xff:/bin/sh:F", HostRegistrations.Host(Settings(), "linux/arm64")!.Line);
    }

    [Fact]
    public void Should_Treat_386_As_Native_On_Amd64()
    {
        var result = Runner().Run(Settings("linux/386", "linux/amd64/v3"));
        Assert.All(result.Platforms, p => Assert.Equal(QemuPlatformState.Native, p.State));
    }

    public void Dispose()
    {
        _docker.Dispose();
        _dir.Dispose();
    }
}
