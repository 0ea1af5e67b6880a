using Cake.Core;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>
/// RegisterQemu's decisions about entries that are there already, concurrent runs and where it
/// mounts: against a copy of the real binfmt_misc listings in a folder, written through
/// <see cref="FakeBinfmtKernel"/> (no kernel writes).
/// </summary>
public sealed class RegisterQemuTableTests : IDisposable
{
    private const string Arm64Magic = "7f454c460201010000000000000000000200b700";
    private const string ElfMask = "ffffffffffffff00fffffffffffffffffeffffff";
    private readonly TempDirectory _dir = new();
    private readonly FakeDocker _docker = new();
    private readonly TestCakeContext _cake;
    private readonly string _binfmt;
    private readonly FakeBinfmtKernel _kernel;

    public RegisterQemuTableTests()
    {
        _cake = new TestCakeContext(_dir.Path);
        _binfmt = FakeBinfmtKernel.TableFromFixtures(_dir);

        _kernel = new FakeBinfmtKernel(_binfmt);
    }

    private Dictionary<string, string> Table => Directory.GetFiles(_binfmt).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    private RegisterQemuRunner Runner() =>
        new(_cake.FileSystem, _cake.Environment, _cake.ProcessRunner, _cake.Tools, _cake.Log.Log, new BinfmtHost
        {
            KernelRelease = () => "6.18.44",
            HostPlatform = "linux/amd64",
            LockPath = _dir.Combine("binfmt.lock"),
            KernelWrite = _kernel.Write,
            MountCommand = _dir.Combine("no-mount-expected"),
        });

    private RegisterQemuSettings Settings(QemuRegistrationMode mode, params string[] platforms)
    {
        var settings = new RegisterQemuSettings { Mode = mode, BinfmtMiscPath = _binfmt, ToolPath = _docker.Path, HostConfigDirectory = _dir.Combine("binfmt.d"), HostInterpreterDirectory = _dir.Combine("bin") };
        foreach (var p in platforms)
        {
            settings.Platforms.Add(p);
        }

        return settings;
    }

    /// <summary>Writes a Debian-style registration file made from a real kernel listing (the fixtures), with a stand-in interpreter.</summary>
    private string ConfFromFixture(string name, string flags = "POF")
    {
        var entry = BinfmtEntry.Parse(name, TestPaths.ReadFixture("binfmt/" + name));
        var interpreter = _dir.WriteFile($"libexec/{name["qemu-".Length..]}-binfmt-P", "stand-in");
        var line = $":{name}:M::{FakeBinfmtKernel.Escape(entry.Magic!)}:{FakeBinfmtKernel.Escape(entry.Mask!)}:{interpreter}:{flags}";
        _dir.WriteFile($"binfmt.d/{name}.conf", "# written by the test from a real listing\n" + line + "\n");
        return line;
    }

    public sealed class TheRunMethod : IDisposable
    {
        private readonly RegisterQemuTableTests _t = new();

        [Fact]
        public void Should_Refuse_And_Keep_An_Entry_With_Garbage_Magic_When_Reset_Is_Not_Set()
        {
            // Given: an entry named qemu-aarch64 whose magic matches no arm64 binary.
            File.Delete(Path.Combine(_t._binfmt, "qemu-aarch64"));
            _t._kernel.Add(@":qemu-aarch64:M::\x00\x11\x22\x33:\xff\xff\xff\xff:/usr/bin/qemu-aarch64-static:F");
            var before = _t.Table;

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(_t.Settings(QemuRegistrationMode.Container, "linux/arm64")));

            // Then: reported, not "already registered", and nothing written or started.
            Assert.Equal(
                $"RegisterQemu: binfmt_misc entry 'qemu-aarch64' does not match the wanted registration for linux/arm64; expected magic '{Arm64Magic}', mask '{ElfMask}', offset 0, interpreter '/usr/bin/qemu-aarch64-static' or another QEMU, found magic '00112233' (expected '{Arm64Magic}'); mask 'ffffffff' (expected '{ElfMask}'). It was left as it is: set Reset = true to replace it, or remove it yourself (echo -1 > {_t._binfmt}/qemu-aarch64).",
                ex.Message);
            Assert.Empty(_t._kernel.Writes);
            Assert.Empty(_t._docker.Calls);
            Assert.Equal(before, _t.Table);
        }

        [Fact]
        public void Should_Refuse_An_Entry_Whose_Interpreter_Is_Not_A_Qemu()
        {
            // Given: the right magic and mask, but another program behind it.
            File.Delete(Path.Combine(_t._binfmt, "qemu-riscv64"));
            _t._kernel.Add(@":qemu-riscv64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/bin/true:F");

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(_t.Settings(QemuRegistrationMode.Container, "linux/riscv64")));

            // Then
            Assert.Contains("found interpreter '/bin/true' (expected '/usr/bin/qemu-riscv64-static' or another QEMU for riscv64: qemu-riscv64, qemu-riscv64-static or riscv64-binfmt-P). It was left as it is: set Reset = true", ex.Message, StringComparison.Ordinal);
            Assert.Empty(_t._kernel.Writes);
        }

        [Fact]
        public void Should_Replace_A_Mismatched_Entry_When_Reset_Is_Set()
        {
            // Given
            var line = _t.ConfFromFixture("qemu-aarch64");
            File.Delete(Path.Combine(_t._binfmt, "qemu-aarch64"));
            _t._kernel.Add(@":qemu-aarch64:M::\x00\x11\x22\x33:\xff\xff\xff\xff:/usr/bin/qemu-aarch64-static:F");
            var settings = _t.Settings(QemuRegistrationMode.Host, "linux/arm64");
            settings.Reset = true;

            // When
            var result = _t.Runner().Run(settings);

            // Then: removed, registered from the host's file, listed as the real kernel lists it.
            Assert.Equal([("qemu-aarch64", "-1"), ("register", line)], _t._kernel.Writes);
            Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
            Assert.Equal(
                TestPaths.ReadFixture("binfmt/qemu-aarch64").Replace("/usr/libexec/qemu-binfmt/aarch64-binfmt-P", _t._dir.Combine("libexec", "aarch64-binfmt-P"), StringComparison.Ordinal),
                File.ReadAllText(Path.Combine(_t._binfmt, "qemu-aarch64")));
        }

        [Fact]
        public void Should_Keep_Another_Qemu_Interpreter_And_Say_So()
        {
            // Given: the real listing (Debian's aarch64-binfmt-P, POF) and a host that would register its own interpreter with OF.
            _t.ConfFromFixture("qemu-aarch64", flags: "OF");
            var before = _t.Table;

            // When
            var result = _t.Runner().Run(_t.Settings(QemuRegistrationMode.Host, "linux/arm64"));

            // Then
            Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(result.Platforms).State);
            Assert.Empty(_t._kernel.Writes);
            Assert.Equal(before, _t.Table);
            Assert.Contains(_t._cake.Log.Lines, l => l.Text == $"RegisterQemu: keeping binfmt_misc entry 'qemu-aarch64' (interpreter '/usr/libexec/qemu-binfmt/aarch64-binfmt-P', flags 'POF'): it runs linux/arm64 with the F flag, though this host would register '{_t._dir.Combine("libexec", "aarch64-binfmt-P")}' with flags 'OF'. Set Reset = true to replace it.");
        }

        [Fact]
        public void Should_Refuse_A_Registration_File_With_Garbage_Magic_Before_Writing()
        {
            // Given
            File.Delete(Path.Combine(_t._binfmt, "qemu-aarch64"));
            var conf = _t._dir.WriteFile("binfmt.d/qemu-aarch64.conf", ":qemu-aarch64:M::\\x7fELF\\xZZ:\\xff\\xff\\xff\\xff\\xff:/bin/sh:F\n");
            var before = _t.Table;

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(_t.Settings(QemuRegistrationMode.Host, "linux/arm64")));

            // Then
            Assert.Equal($"RegisterQemu: the registration in '{conf}' for linux/arm64 is invalid, so nothing was written to the kernel: Registration line ':qemu-aarch64:M::\\x7fELF\\xZZ:\\xff\\xff\\xff\\xff\\xff:/bin/sh:F' has an invalid magic '\\x7fELF\\xZZ': '\\xZZ' at character 8 is not an escape the kernel reads; expected \\xHH (two hex digits). Reinstall the emulators (Debian/Ubuntu: apt-get install --reinstall qemu-user-static), or use container mode.", ex.Message);
            Assert.Empty(_t._kernel.Writes);
            Assert.Equal(before, _t.Table);
        }

        [Fact]
        public void Should_Accept_An_Entry_Another_Run_Registered_Meanwhile_When_It_Matches()
        {
            // Given: between our read and our write, another process registers the same line (EEXIST).
            var line = _t.ConfFromFixture("qemu-riscv64");
            File.Delete(Path.Combine(_t._binfmt, "qemu-riscv64"));
            _t._kernel.Racer = r =>
            {
                _t._kernel.Racer = null;
                _t._kernel.Add(r.Line);
            };

            // When
            var result = _t.Runner().Run(_t.Settings(QemuRegistrationMode.Host, "linux/riscv64"));

            // Then: no error; it was not this run's registration.
            Assert.Equal([("register", line)], _t._kernel.Writes);
            Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(result.Platforms).State);
            Assert.False(result.Changed);
            Assert.Contains(_t._cake.Log.Lines, l => l.Text == "RegisterQemu: 'qemu-riscv64' was registered meanwhile by another process; it matches the wanted registration, so it is kept.");
        }

        [Fact]
        public void Should_Fail_When_An_Entry_Registered_Meanwhile_Differs()
        {
            // Given
            _t.ConfFromFixture("qemu-riscv64");
            File.Delete(Path.Combine(_t._binfmt, "qemu-riscv64"));
            _t._kernel.Racer = r =>
            {
                _t._kernel.Racer = null;
                _t._kernel.Add(r.Line.Replace(r.Interpreter, "/bin/true", StringComparison.Ordinal));
            };

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(_t.Settings(QemuRegistrationMode.Host, "linux/riscv64")));

            // Then
            Assert.StartsWith("RegisterQemu: the kernel refused to register 'qemu-riscv64' for linux/riscv64 because an entry of that name appeared meanwhile (another process registered it), and it is not the wanted one; expected magic '7f454c460201010000000000000000000200f300', ", ex.Message);
            Assert.EndsWith("found interpreter '/bin/true' (expected '" + _t._dir.Combine("libexec", "riscv64-binfmt-P") + "' or another QEMU for riscv64: qemu-riscv64, qemu-riscv64-static or riscv64-binfmt-P). Run again with Reset = true to replace it.", ex.Message);
        }

        [Fact]
        public void Should_Give_Up_With_A_Clear_Message_When_Another_Run_Keeps_The_Lock()
        {
            // Given: another run holds the lock.
            var runner = _t.Runner();
            runner.Host.LockTimeout = TimeSpan.FromMilliseconds(300);
            using var other = new FileStream(runner.Host.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

            // When
            var ex = Assert.Throws<CakeException>(() => runner.Run(_t.Settings(QemuRegistrationMode.Container, "linux/s390x")));

            // Then: nothing was read or started.
            Assert.Equal($"RegisterQemu: another run held the binfmt_misc lock '{runner.Host.LockPath}' for longer than 0 s; expected it to finish registering. Look for a hung build or installer container (ps aux | grep -i binfmt), then run again.", ex.Message);
            Assert.Contains(_t._cake.Log.Lines, l => l.Text == $"RegisterQemu: another run is changing binfmt_misc (lock '{runner.Host.LockPath}'); waiting up to 0 s…");
            Assert.Empty(_t._docker.Calls);
        }

        [Fact]
        public async Task Should_Wait_For_Another_Run_And_Then_Read_What_It_Registered()
        {
            // Given: another run holds the lock while it registers s390x, then releases it.
            _t.ConfFromFixture("qemu-riscv64");
            var s390x = @":qemu-s390x:M::\x7f\x45\x4c\x46\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16:\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff:" + _t._dir.WriteFile("bin/qemu-s390x-static", "stand-in") + ":OCF";
            var runner = _t.Runner();
            var other = new FileStream(runner.Host.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var released = Task.Run(async () =>
            {
                await Task.Delay(400, TestContext.Current.CancellationToken);
                _t._kernel.Add(s390x);
                other.Dispose();
            }, TestContext.Current.CancellationToken);

            // When
            var result = runner.Run(_t.Settings(QemuRegistrationMode.Host, "linux/s390x"));
            await released;

            // Then: it waited, then found the entry and wrote nothing.
            Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(result.Platforms).State);
            Assert.Empty(_t._kernel.Writes);
            Assert.Contains(_t._cake.Log.Lines, l => l.Text.StartsWith("RegisterQemu: another run is changing binfmt_misc", StringComparison.Ordinal));
        }

        [Fact]
        public void Should_Check_Every_Known_Foreign_Platform_When_Platforms_Is_Empty_And_Say_So()
        {
            // Given: the documented default.
            _t._docker.On("run");

            // When
            Assert.Throws<CakeException>(() => _t.Runner().Run(_t.Settings(QemuRegistrationMode.Container)));

            // Then
            Assert.Contains(_t._cake.Log.Lines, l => l.Text == "RegisterQemu: Platforms is empty: checking every platform the addin knows that this host does not run natively (linux/arm/v7,linux/arm64,linux/ppc64le,linux/s390x,linux/riscv64,linux/loong64,linux/mips64le).");
            Assert.Equal(["run", "--privileged", "--rm", "tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0", "--install", "ppc64le,s390x,loong64,mips64le"], _t._docker.Calls.Single());
        }

        [Fact]
        public void Should_Refuse_To_Mount_Over_An_Ordinary_Folder()
        {
            // Given: a folder with the user's files, named by mistake.
            var settings = _t.Settings(QemuRegistrationMode.Host, "linux/arm64");
            settings.BinfmtMiscPath = _t._dir.Combine("project");
            _t._dir.WriteFile("project/keep.txt", "mine");

            // When
            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(settings));

            // Then
            Assert.Equal($"RegisterQemu: binfmt_misc is not mounted at BinfmtMiscPath '{settings.BinfmtMiscPath}'; expected a mounted binfmt_misc (its 'status' and 'register' files), found an ordinary folder. Point BinfmtMiscPath at the mounted table (default /proc/sys/fs/binfmt_misc), or set MountBinfmtMisc = true to mount binfmt_misc on an empty folder there.", ex.Message);
            Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(settings.BinfmtMiscPath).Select(Path.GetFileName));
        }

        [Fact]
        public void Should_Refuse_To_Mount_Over_A_Folder_That_Is_Not_Empty_Even_When_Allowed()
        {
            var settings = _t.Settings(QemuRegistrationMode.Host, "linux/arm64");
            settings.BinfmtMiscPath = _t._dir.Combine("project");
            settings.MountBinfmtMisc = true;
            _t._dir.WriteFile("project/keep.txt", "mine");

            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(settings));

            Assert.Equal($"RegisterQemu: BinfmtMiscPath '{settings.BinfmtMiscPath}' is not empty; expected an empty folder to mount binfmt_misc on, found 'keep.txt'. A mount would hide them: choose an empty folder, or the default /proc/sys/fs/binfmt_misc.", ex.Message);
        }

        [Fact]
        public void Should_Say_The_Folder_To_Mount_On_Does_Not_Exist()
        {
            var settings = _t.Settings(QemuRegistrationMode.Host, "linux/arm64");
            settings.BinfmtMiscPath = _t._dir.Combine("nowhere");
            settings.MountBinfmtMisc = true;

            var ex = Assert.Throws<CakeException>(() => _t.Runner().Run(settings));

            Assert.Equal($"RegisterQemu: binfmt_misc is not mounted at BinfmtMiscPath '{settings.BinfmtMiscPath}' and the folder does not exist; expected an existing empty folder to mount it on. Create it (mkdir -p {settings.BinfmtMiscPath}) or point BinfmtMiscPath at the mounted table.", ex.Message);
            Assert.False(Directory.Exists(settings.BinfmtMiscPath));
        }

        public void Dispose() => _t.Dispose();
    }

    public void Dispose()
    {
        _docker.Dispose();
        _dir.Dispose();
    }
}
