using Cake.Core;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Integration;

/// <summary>
/// RegisterQemu against the real kernel: real registrations, real refusals, real races. The
/// machine's table is shared with builds that run arm64 through qemu-aarch64 and qemu-arm at the
/// same time, so these tests only ever touch entries of architectures nothing else here uses
/// (s390x, ppc64le, mips64el, loongarch64) and handlers with unique names, and every test puts
/// back what it found (<see cref="KernelEntries"/>).
/// </summary>
[Collection("kernel")]
public sealed class RegisterQemuKernelTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCakeContext _cake;

    public RegisterQemuKernelTests()
    {
        _cake = new TestCakeContext(_dir.Path);
    }

    private static string Listing(string name) => File.ReadAllText(Path.Combine(TestBed.Binfmt, name));

    private static string DebianLine(string name) => File.ReadAllLines($"/usr/lib/binfmt.d/{name}.conf").First(l => l.StartsWith(':'));

    private RegisterQemuResult Register(QemuRegistrationMode mode, bool reset = false, params string[] platforms)
    {
        var settings = new RegisterQemuSettings { Mode = mode, Reset = reset, Image = TestBed.InstallerImage };
        foreach (var p in platforms)
        {
            settings.Platforms.Add(p);
        }

        return _cake.Context.RegisterQemu(settings);
    }

    private RegisterQemuRunner Runner(TestCakeContext cake, string lockPath) =>
        new(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log, new BinfmtHost { LockPath = lockPath });

    [Fact]
    public void Should_Register_From_The_Host_Then_Do_Nothing_The_Second_Time()
    {
        // Given: no s390x emulator registered.
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-s390x");
        TestBed.RemoveEntry("qemu-s390x");

        // When
        var first = Register(QemuRegistrationMode.Host, platforms: "linux/s390x");

        // Then: the kernel lists Debian's registration with F.
        var line = Assert.Single(first.Platforms);
        Assert.Equal((QemuPlatformState.RegisteredNow, "/usr/libexec/qemu-binfmt/s390x-binfmt-P", "POF"), (line.State, line.Interpreter, line.Flags));
        var entry = Listing("qemu-s390x");
        Assert.Equal(
            "enabled\ninterpreter /usr/libexec/qemu-binfmt/s390x-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c4602020100000000000000000000020016\nmask fffffffffffffffcfffffffffffffffffffeffff\n",
            entry);

        // When: again
        var second = Register(QemuRegistrationMode.Host, platforms: "linux/s390x");

        // Then: the fast path left the entry as it was.
        Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(second.Platforms).State);
        Assert.Equal(entry, Listing("qemu-s390x"));
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: every wanted platform already has an enabled binfmt_misc entry with the F flag: nothing to do.");
    }

    [Fact]
    public void Should_Register_A_Bare_Static_Interpreter_When_The_Host_Has_No_Registration_File()
    {
        // Given: no registration files (as on distributions that ship only /usr/bin/qemu-*-static).
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-ppc64le");
        TestBed.RemoveEntry("qemu-ppc64le");
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, HostConfigDirectory = _dir.Combine("no-binfmt.d"), Platforms = { "linux/ppc64le" } };

        // When
        var result = _cake.Context.RegisterQemu(settings);

        // Then
        var line = Assert.Single(result.Platforms);
        Assert.Equal((QemuPlatformState.RegisteredNow, "/usr/bin/qemu-ppc64le-static", "OCF"), (line.State, line.Interpreter, line.Flags));
        Assert.Contains("magic 7f454c4602010100000000000000000002001500\nmask fffffffffffffffcfffffffffffffffffeffff00\n", Listing("qemu-ppc64le"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Replace_An_Entry_Without_F()
    {
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-mips64el");
        TestBed.RemoveEntry("qemu-mips64el");
        var line = DebianLine("qemu-mips64el");
        File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), line[..line.LastIndexOf(':')] + ":OP");
        Assert.Contains("flags: PO\n", Listing("qemu-mips64el"), StringComparison.Ordinal);

        var result = Register(QemuRegistrationMode.Host, platforms: "linux/mips64le");

        Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
        Assert.Contains("flags: POF\n", Listing("qemu-mips64el"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Refuse_An_Entry_With_Garbage_Magic_And_Replace_It_Only_When_Reset()
    {
        // Given: qemu-loongarch64 with a magic no binary has (it can match nothing real: no ELF starts with CMAT).
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-loongarch64");
        TestBed.RemoveEntry("qemu-loongarch64");
        File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), @":qemu-loongarch64:M::CMAT\x00\x01:\xff\xff\xff\xff\xff\xff:/usr/bin/qemu-loongarch64-static:F");
        var garbage = Listing("qemu-loongarch64");
        var names = Directory.GetFiles(TestBed.Binfmt).Order().ToArray();

        // When
        var ex = Assert.Throws<CakeException>(() => Register(QemuRegistrationMode.Host, platforms: "linux/loong64"));

        // Then: reported and left alone.
        Assert.StartsWith("RegisterQemu: binfmt_misc entry 'qemu-loongarch64' does not match the wanted registration for linux/loong64; expected magic '7f454c4602010100000000000000000002000201', ", ex.Message);
        Assert.Contains("found magic '434d41540001' (expected '7f454c4602010100000000000000000002000201'); mask 'ffffffffffff' (expected 'fffffffffffffffc00fffffffffffffffeffffff')", ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, Listing("qemu-loongarch64"));
        Assert.Equal(names, Directory.GetFiles(TestBed.Binfmt).Order());

        // When: the user asks for it
        var result = Register(QemuRegistrationMode.Host, reset: true, platforms: "linux/loong64");

        // Then
        Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
        Assert.Contains("interpreter /usr/libexec/qemu-binfmt/loongarch64-binfmt-P\nflags: POF\noffset 0\nmagic 7f454c4602010100000000000000000002000201\n", Listing("qemu-loongarch64"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Reset_Only_The_Wanted_Qemu_Entries()
    {
        // Given: a non-QEMU handler (as Java, Wine or Python install) and another platform's emulator.
        TestBed.RequireKernel();
        var dummy = "cake-multiarch-test-" + Guid.NewGuid().ToString("N")[..12];
        using var guard = new KernelEntries("qemu-s390x", "qemu-ppc64le", dummy);
        File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), $":{dummy}:E::{dummy}::/bin/true:");
        Register(QemuRegistrationMode.Host, platforms: ["linux/s390x", "linux/ppc64le"]);
        var ppc = Listing("qemu-ppc64le");

        // When
        var result = Register(QemuRegistrationMode.Host, reset: true, platforms: "linux/s390x");

        // Then: s390x was removed and registered again; the others are untouched.
        Assert.Equal(QemuPlatformState.RegisteredNow, Assert.Single(result.Platforms).State);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: removing binfmt_misc entry 'qemu-s390x' (Reset).");
        Assert.DoesNotContain(_cake.Log.Lines, l => l.Text.Contains("removing binfmt_misc entry 'qemu-ppc64le'", StringComparison.Ordinal));
        Assert.Equal($"enabled\ninterpreter /bin/true\nflags: \nextension .{dummy}\n", Listing(dummy));
        Assert.Equal(ppc, Listing("qemu-ppc64le"));
    }

    [Fact]
    public void Should_Accept_What_Another_Process_Registered_Between_Read_And_Write()
    {
        // Given: another process registers s390x right before our write, so the kernel answers EEXIST.
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-s390x");
        TestBed.RemoveEntry("qemu-s390x");
        var runner = Runner(_cake, _dir.Combine("binfmt.lock"));
        runner.Host.BeforeRegister = name => File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), DebianLine(name) + "\n");
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, Platforms = { "linux/s390x" } };

        // When
        var result = runner.Run(settings);

        // Then: the real EEXIST was recognised and the matching entry accepted.
        Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(result.Platforms).State);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "RegisterQemu: 'qemu-s390x' was registered meanwhile by another process; it matches the wanted registration, so it is kept.");
        Assert.Contains("flags: POF\n", Listing("qemu-s390x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_Let_Two_Concurrent_Runs_Both_Succeed(bool sharedLock)
    {
        // Given: two runs at once (as two `dotnet cake` processes), with one lock file, or with
        // two (as if one run had no lock: then the kernel's EEXIST decides).
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-mips64el");
        for (var round = 0; round < 3; round++)
        {
            TestBed.RemoveEntry("qemu-mips64el");
            var cakes = new[] { new TestCakeContext(_dir.Path), new TestCakeContext(_dir.Path) };
            var runners = cakes.Select((c, i) => Runner(c, _dir.Combine(sharedLock ? "shared.lock" : $"own-{i}.lock"))).ToArray();
            using var start = new Barrier(2);

            // When
            var results = await Task.WhenAll(runners.Select(r => Task.Run(
                () =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    return r.Run(new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, Platforms = { "linux/mips64le" } });
                },
                TestContext.Current.CancellationToken)));

            // Then: exactly one of them registered it; the other found it (or was told EEXIST) and accepted it.
            Assert.Equal(
                [QemuPlatformState.AlreadyRegistered, QemuPlatformState.RegisteredNow],
                results.Select(r => Assert.Single(r.Platforms).State).Order());
            Assert.Contains("flags: POF\n", Listing("qemu-mips64el"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_Let_Two_Dotnet_Cake_Runs_Register_At_Once()
    {
        // Given: issue #12's scene: two `dotnet cake` processes that reach RegisterQemu together
        // (each waits for the other's "ready" file), with no mips64el emulator registered.
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-mips64el");
        TestBed.RemoveEntry("qemu-mips64el");
        var addin = Path.Combine(AppContext.BaseDirectory, "Cake.MultiArch.dll");
        string Script(int me) => _dir.WriteFile($"run{me}/build.cake", $$"""
            #r "{{addin}}"
            System.IO.File.WriteAllText("{{_dir.Combine($"ready{me}")}}", "");
            var until = DateTime.UtcNow.AddMinutes(4);
            while (!System.IO.File.Exists("{{_dir.Combine($"ready{1 - me}")}}") && DateTime.UtcNow < until) { System.Threading.Thread.Sleep(5); }
            var result = RegisterQemu(new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, Platforms = { "linux/mips64le" } });
            Information("STATE=" + result.Platforms[0].State);
            """);
        var scripts = new[] { Script(0), Script(1) };

        // When
        var runs = await Task.WhenAll(scripts.Select(script => Task.Run(() => CakeRunnerTests.Run("dotnet", TestPaths.RepositoryRoot, "tool", "run", "dotnet-cake", script), TestContext.Current.CancellationToken)));

        // Then: both succeed; one registered, the other found it.
        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Output));
        Assert.Equal(
            ["STATE=AlreadyRegistered", "STATE=RegisteredNow"],
            runs.Select(r => r.Output.Split('\n').Single(l => l.StartsWith("STATE=", StringComparison.Ordinal)).Trim()).Order());
        Assert.Contains("flags: POF\n", Listing("qemu-mips64el"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Mount_Binfmt_Misc_On_An_Empty_Folder_The_User_Named()
    {
        // Given: an empty folder and MountBinfmtMisc; qemu-s390x registered, so nothing is written.
        TestBed.RequireKernel();
        using var guard = new KernelEntries("qemu-s390x");
        Register(QemuRegistrationMode.Host, platforms: "linux/s390x");
        var mountPoint = _dir.Combine("binfmt_misc");
        Directory.CreateDirectory(mountPoint);
        var settings = new RegisterQemuSettings { Mode = QemuRegistrationMode.Host, BinfmtMiscPath = mountPoint, MountBinfmtMisc = true, Platforms = { "linux/s390x" } };

        try
        {
            // When
            var result = _cake.Context.RegisterQemu(settings);

            // Then: it mounted the kernel's table there and read the entry through it.
            Assert.Equal(QemuPlatformState.AlreadyRegistered, Assert.Single(result.Platforms).State);
            Assert.Contains(_cake.Log.Lines, l => l.Text == $"RegisterQemu: binfmt_misc is not mounted at '{mountPoint}'; mounting it.");
            Assert.Equal(Listing("qemu-s390x"), File.ReadAllText(Path.Combine(mountPoint, "qemu-s390x")));
        }
        finally
        {
            TestBed.Run("umount", mountPoint);
        }

        Assert.Empty(Directory.GetFileSystemEntries(mountPoint));
    }

    [Fact]
    public void Should_Register_Through_A_Privileged_Installer_Container()
    {
        // Given: no ppc64le emulator; the local installer image (Docker Hub is out of reach here).
        TestBed.RequireKernel();
        TestBed.RequireDocker();
        using var guard = new KernelEntries("qemu-ppc64le");
        TestBed.RemoveEntry("qemu-ppc64le");

        // When
        var result = Register(QemuRegistrationMode.Container, platforms: ["linux/ppc64le", "linux/amd64"]);

        // Then: the kernel has the entry the container registered, interpreter opened from the image (F).
        Assert.Equal([QemuPlatformState.RegisteredNow, QemuPlatformState.Native], result.Platforms.Select(p => p.State));
        var entry = BinfmtEntry.Parse("qemu-ppc64le", Listing("qemu-ppc64le"));
        Assert.Equal("/usr/bin/qemu-ppc64le-static", entry.Interpreter);
        Assert.True(entry.FixBinary);
        Assert.Contains(_cake.Log.Lines, l => l.Text == "installing ppc64le: OK");
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Remembers some entries of the real table and puts them back as they were on dispose (removing what was not there).</summary>
    private sealed class KernelEntries : IDisposable
    {
        private readonly Dictionary<string, string?> _found;

        public KernelEntries(params string[] names)
        {
            _found = names.ToDictionary(n => n, n => File.Exists(Path.Combine(TestBed.Binfmt, n)) ? Listing(n) : null);
        }

        public void Dispose()
        {
            foreach (var (name, listing) in _found)
            {
                var now = File.Exists(Path.Combine(TestBed.Binfmt, name)) ? Listing(name) : null;
                if (now == listing)
                {
                    continue;
                }

                TestBed.RemoveEntry(name);
                if (listing is not null)
                {
                    File.WriteAllText(Path.Combine(TestBed.Binfmt, "register"), Line(name, BinfmtEntry.Parse(name, listing)));
                    if (!listing.StartsWith("enabled", StringComparison.Ordinal))
                    {
                        File.WriteAllText(Path.Combine(TestBed.Binfmt, name), "0");
                    }
                }
            }
        }

        private static string Line(string name, BinfmtEntry e) =>
            e.Magic is null
                ? $":{name}:E::{e.Extension!.TrimStart('.')}::{e.Interpreter}:{e.Flags}"
                : $":{name}:M:{e.Offset}:{RegisterQemu.FakeBinfmtKernel.Escape(e.Magic)}:{(e.Mask is null ? string.Empty : RegisterQemu.FakeBinfmtKernel.Escape(e.Mask))}:{e.Interpreter}:{e.Flags}";
    }
}
