using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>
/// Bad input to RegisterQemu: each row makes one mistake and expects a clear CakeException that
/// names the setting and the value, with no process started (a FakeDocker with no rules is the
/// tool, a recording script is the mount command), nothing written to binfmt_misc (a fake kernel
/// records every write) and the real kernel's table unchanged.
/// </summary>
public sealed class RegisterQemuBadInputTests
{
    private const string Arm64 = @"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00";
    private const string Mask = @"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff";

    private static readonly Dictionary<string, (Action<Bed> Arrange, string[] Fragments)> Rows = new()
    {
        ["default platform"] = (b => b.Settings.Platforms.Add(default), ["RegisterQemu: Platforms[0] is an empty platform (default(Platform))"]),
        ["default platform after a valid one"] = (b => { b.Settings.Platforms.Add("linux/arm64"); b.Settings.Platforms.Add(default); }, ["RegisterQemu: Platforms[1] is an empty platform (default(Platform))"]),
        ["windows platform"] = (b => b.Settings.Platforms.Add("windows/amd64"), ["RegisterQemu: Platforms[0] is 'windows/amd64'; expected a linux platform (binfmt_misc runs Linux binaries), found operating system 'windows'. Use 'linux/amd64' or remove it."]),
        ["freebsd platform"] = (b => b.Settings.Platforms.Add("freebsd/arm/v7"), ["Platforms[0] is 'freebsd/arm/v7'", "Use 'linux/arm/v7' or remove it."]),
        ["undefined mode"] = (b => b.Settings.Mode = (QemuRegistrationMode)7, ["RegisterQemu: Mode is 7; expected QemuRegistrationMode.Container or QemuRegistrationMode.Host."]),
        ["undefined installer style"] = (b => b.Settings.InstallerStyle = (QemuInstallerStyle)9, ["RegisterQemu: InstallerStyle is 9; expected QemuInstallerStyle.Binfmt or QemuInstallerStyle.QemuUserStatic."]),
        ["empty image"] = (b => b.Settings.Image = string.Empty, ["RegisterQemu: Image is empty; expected an installer image such as 'tonistiigi/binfmt:latest' or a mirror of it."]),
        ["blank image"] = (b => b.Settings.Image = "   ", ["RegisterQemu: Image is empty;"]),
        ["null image"] = (b => b.Settings.Image = null!, ["RegisterQemu: Image is empty;"]),
        ["image with upper-case repository"] = (b => b.Settings.Image = "hub.example.com/Tonistiigi/binfmt", ["RegisterQemu: Image is not an image reference: Image reference 'hub.example.com/Tonistiigi/binfmt' has upper-case letters in its repository 'Tonistiigi/binfmt'"]),
        ["image with an empty tag"] = (b => b.Settings.Image = "tonistiigi/binfmt:", ["Image is not an image reference: Image reference 'tonistiigi/binfmt:' has an invalid tag ''"]),
        ["image with a short digest"] = (b => b.Settings.Image = "tonistiigi/binfmt@sha256:abc", ["Image is not an image reference: Image reference 'tonistiigi/binfmt@sha256:abc' has an invalid digest 'sha256:abc'"]),
        ["image with spaces"] = (b => b.Settings.Image = " tonistiigi/binfmt", ["Image is not an image reference: Image reference ' tonistiigi/binfmt' has leading or trailing white space."]),
        ["mutable tag with RequirePinnedImage"] = (b => { b.Settings.Image = "tonistiigi/binfmt:latest"; b.Settings.RequirePinnedImage = true; }, ["RegisterQemu: Image 'tonistiigi/binfmt:latest' is a mutable reference (no @sha256: digest): the QEMU it installs can change under you between two builds", "Pin it by digest, e.g. 'tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0' (see docs/qemu.md); 'docker buildx imagetools inspect tonistiigi/binfmt:latest' shows the digest of the tag you use. RequirePinnedImage is set, so this is an error."]),
        ["version tag with RequirePinnedImage"] = (b => { b.Settings.Image = "tonistiigi/binfmt:qemu-v10.2.3-68"; b.Settings.RequirePinnedImage = true; }, ["RegisterQemu: Image 'tonistiigi/binfmt:qemu-v10.2.3-68' is a mutable reference (no @sha256: digest)", "RequirePinnedImage is set, so this is an error."]),
        ["untagged image with RequirePinnedImage"] = (b => { b.Settings.Image = "hub.example.com/tonistiigi/binfmt"; b.Settings.RequirePinnedImage = true; }, ["RegisterQemu: Image 'hub.example.com/tonistiigi/binfmt' is a mutable reference"]),
        ["self-test image with upper case"] = (b => b.Settings.SelfTestImage = "Busybox:1", ["RegisterQemu: SelfTestImage 'Busybox:1' is not an image reference; expected an image with 'true' for the emulated platforms, such as 'busybox:1.36', or null to skip the container run."]),
        ["blank self-test image"] = (b => b.Settings.SelfTestImage = "  ", ["RegisterQemu: SelfTestImage '  ' is not an image reference;"]),
        ["self-test image without self-test"] = (b => { b.Settings.SelfTestImage = "busybox:1.36"; b.Settings.SelfTest = false; }, ["RegisterQemu: SelfTestImage is set but SelfTest is false; expected SelfTest = true with it (the container run is part of the self-test). Set SelfTest = true or drop SelfTestImage."]),
        ["check only with reset"] = (b => { b.Settings.CheckOnly = true; b.Settings.Reset = true; }, ["RegisterQemu: CheckOnly is set with Reset = true; expected CheckOnly alone: it changes nothing, so it cannot also remove entries. Drop one of them."]),
        ["check only with mount"] = (b => { b.Settings.CheckOnly = true; b.Settings.MountBinfmtMisc = true; }, ["RegisterQemu: CheckOnly is set with MountBinfmtMisc = true; expected CheckOnly alone: it changes nothing, so it cannot also mount binfmt_misc. Drop one of them."]),
        ["empty binfmt_misc path"] = (b => b.Settings.BinfmtMiscPath = string.Empty, ["RegisterQemu: BinfmtMiscPath is empty; expected the folder where binfmt_misc is mounted, such as '/proc/sys/fs/binfmt_misc'."]),
        ["null binfmt_misc path"] = (b => b.Settings.BinfmtMiscPath = null!, ["RegisterQemu: BinfmtMiscPath is empty;"]),
        ["relative binfmt_misc path"] = (b => b.Settings.BinfmtMiscPath = "proc/sys/fs/binfmt_misc", ["RegisterQemu: BinfmtMiscPath 'proc/sys/fs/binfmt_misc' is not an absolute path; expected the folder where binfmt_misc is mounted, such as '/proc/sys/fs/binfmt_misc'."]),
        ["dot-relative binfmt_misc path"] = (b => b.Settings.BinfmtMiscPath = "./binfmt_misc", ["BinfmtMiscPath './binfmt_misc' is not an absolute path"]),
        ["empty host config folder"] = (b => b.Host(s => s.HostConfigDirectory = string.Empty), ["RegisterQemu: HostConfigDirectory is empty; expected the folder of the host's QEMU registrations, such as '/usr/lib/binfmt.d'."]),
        ["relative host config folder"] = (b => b.Host(s => s.HostConfigDirectory = "usr/lib/binfmt.d"), ["RegisterQemu: HostConfigDirectory 'usr/lib/binfmt.d' is not an absolute path"]),
        ["null host interpreter folder"] = (b => b.Host(s => s.HostInterpreterDirectory = null!), ["RegisterQemu: HostInterpreterDirectory is empty; expected the folder of the host's qemu-*-static interpreters, such as '/usr/bin'."]),
        ["relative host interpreter folder"] = (b => b.Host(s => s.HostInterpreterDirectory = "bin"), ["RegisterQemu: HostInterpreterDirectory 'bin' is not an absolute path"]),
        ["ResetAllQemu without Reset"] = (b => b.Settings.ResetAllQemu = true, ["RegisterQemu: ResetAllQemu is set but Reset is not; expected Reset = true with it (ResetAllQemu only widens what Reset removes), found Reset = false."]),
        ["every settings problem at once"] = (b => { b.Settings.Image = string.Empty; b.Settings.ResetAllQemu = true; b.Settings.Platforms.Add(default); }, ["RegisterQemu: Platforms[0] is an empty platform", Environment.NewLine + "RegisterQemu: Image is empty;", Environment.NewLine + "RegisterQemu: ResetAllQemu is set but Reset is not;"]),
        ["kernel older than 4.8"] = (b => b.Runner.Host.KernelRelease = () => "3.10.0-1160.el7.x86_64", ["RegisterQemu: kernel 3.10.0-1160.el7.x86_64 is older than 4.8"]),
        ["ordinary folder as binfmt_misc"] = (b => b.Settings.BinfmtMiscPath = b.Dir.WriteFile("project/keep.txt", "mine")[..^"/keep.txt".Length], ["RegisterQemu: binfmt_misc is not mounted at BinfmtMiscPath '", "/project'; expected a mounted binfmt_misc (its 'status' and 'register' files), found an ordinary folder."]),
        ["missing folder as binfmt_misc"] = (b => b.Settings.BinfmtMiscPath = b.Dir.Combine("nowhere"), ["/nowhere'; expected a mounted binfmt_misc (its 'status' and 'register' files), found no such folder."]),
        ["mount allowed on a folder with files"] = (b => { b.Settings.BinfmtMiscPath = b.Dir.WriteFile("project/keep.txt", "mine")[..^"/keep.txt".Length]; b.Settings.MountBinfmtMisc = true; }, ["/project' is not empty; expected an empty folder to mount binfmt_misc on, found 'keep.txt'."]),
        ["mount allowed on a missing folder"] = (b => { b.Settings.BinfmtMiscPath = b.Dir.Combine("nowhere"); b.Settings.MountBinfmtMisc = true; }, ["/nowhere' and the folder does not exist; expected an existing empty folder to mount it on."]),
        ["registration file with a bad escape"] = (b => b.Conf($":qemu-aarch64:M::\\x7fELF\\xZZ:\\xff\\xff\\xff\\xff\\xff:{b.Interpreter}:F"), ["for linux/arm64 is invalid, so nothing was written to the kernel: Registration line ':qemu-aarch64:M::\\x7fELF\\xZZ", "has an invalid magic '\\x7fELF\\xZZ'"]),
        ["registration file with mask and magic of different lengths"] = (b => b.Conf($":qemu-aarch64:M::\\x7fELF:\\xff\\xff\\xff:{b.Interpreter}:F"), ["has a mask of 3 bytes and a magic of 4; expected the same length (or an empty mask)."]),
        ["registration file with a relative interpreter"] = (b => b.Conf($":qemu-aarch64:M::{Arm64}:{Mask}:usr/bin/qemu-aarch64-static:F"), ["has an invalid interpreter 'usr/bin/qemu-aarch64-static'; expected an absolute path"]),
        ["registration file with an unknown flag"] = (b => b.Conf($":qemu-aarch64:M::{Arm64}:{Mask}:{b.Interpreter}:FZ"), ["has an unknown flag 'Z' in 'FZ'; expected any of 'P', 'O', 'C', 'F'."]),
        ["registration file with an unknown type"] = (b => b.Conf($":qemu-aarch64:Q::{Arm64}:{Mask}:{b.Interpreter}:F"), ["has an invalid type 'Q'; expected 'M' (magic) or 'E' (extension)."]),
        ["registration file with too few fields"] = (b => b.Conf($":qemu-aarch64:M::{Arm64}:{b.Interpreter}:F"), ["has 6 fields; expected 7 in the form ':name:type:offset:magic:mask:interpreter:flags'."]),
        ["registration file without a line"] = (b => b.Conf("# qemu-aarch64, nothing else"), ["/qemu-aarch64.conf' holds no registration line; expected ':name:type:offset:magic:mask:interpreter:flags'."]),
        ["registration file naming a missing interpreter"] = (b => b.Conf($":qemu-aarch64:M::{Arm64}:{Mask}:/usr/libexec/qemu-binfmt/nope-binfmt-P:F"), ["RegisterQemu: no QEMU interpreter for linux/arm64 on this host: '/usr/libexec/qemu-binfmt/nope-binfmt-P' (named by '"]),
        ["entry with garbage magic"] = (b => b.Entry(@":qemu-aarch64:M::\x00\x11\x22\x33:\xff\xff\xff\xff:/usr/bin/qemu-aarch64-static:F"), ["RegisterQemu: binfmt_misc entry 'qemu-aarch64' does not match the wanted registration for linux/arm64;", "found magic '00112233' (expected '7f454c460201010000000000000000000200b700')", "It was left as it is: set Reset = true to replace it"]),
        ["entry with another mask"] = (b => b.Entry($":qemu-aarch64:M::{Arm64}:{Mask.Replace(@"\xfe", @"\xff", StringComparison.Ordinal)}:/usr/bin/qemu-aarch64-static:F"), ["found mask 'ffffffffffffff00ffffffffffffffffffffffff' (expected 'ffffffffffffff00fffffffffffffffffeffffff')"]),
        ["entry with an offset"] = (b => b.Entry($":qemu-aarch64:M:4:{Arm64}:{Mask}:/usr/bin/qemu-aarch64-static:F"), ["found offset 4 (expected 0)"]),
        ["extension entry with a qemu name"] = (b => b.Entry(":qemu-aarch64:E::arm64::/usr/bin/qemu-aarch64-static:F"), ["found type 'E', extension '.arm64' (expected 'M', magic '7f454c460201010000000000000000000200b700')"]),
        ["entry running another program"] = (b => b.Entry($":qemu-aarch64:M::{Arm64}:{Mask}:/bin/true:F"), ["found interpreter '/bin/true' (expected '/usr/bin/qemu-aarch64-static' or another QEMU for aarch64: qemu-aarch64, qemu-aarch64-static or aarch64-binfmt-P)"]),
        ["entry without a mask"] = (b => b.Entry($":qemu-aarch64:M::{Arm64}::/usr/bin/qemu-aarch64-static:F"), ["found mask '(none)' (expected 'ffffffffffffff00fffffffffffffffffeffffff')"]),
    };

    public static TheoryData<string> Cases => new(Rows.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_Refuse_Before_Anything_Changes(string name)
    {
        // Given
        using var bed = new Bed();
        var (arrange, fragments) = Rows[name];
        arrange(bed);
        var kernelBefore = KernelListing();
        var tableBefore = bed.Table;
        var settingsBefore = Describe(bed.Settings);

        // When
        var ex = Assert.Throws<CakeException>(() => bed.Runner.Run(bed.Settings));

        // Then
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(bed.Docker.Calls);
        Assert.False(File.Exists(bed.Dir.Combine("mount-called")), "the mount command ran");
        Assert.Empty(bed.Kernel.Writes);
        Assert.Equal(tableBefore, bed.Table);
        Assert.Equal(kernelBefore, KernelListing());
        Assert.Equal(settingsBefore, Describe(bed.Settings));
    }

    private static string Describe(RegisterQemuSettings s) =>
        $"{PlatformList.Format(s.Platforms)}|{s.Image}|{s.BinfmtMiscPath}|{s.Mode}|{s.Reset}|{s.ResetAllQemu}|{s.MountBinfmtMisc}|{s.HostConfigDirectory}|{s.HostInterpreterDirectory}|{s.RequirePinnedImage}|{s.SelfTest}|{s.SelfTestImage}|{s.CheckOnly}";

    private static string[] KernelListing() =>
        Directory.Exists(TestBed.Binfmt) ? Directory.GetFileSystemEntries(TestBed.Binfmt).Order().ToArray() : [];

    /// <summary>One case's world: a copy of the real listings, a fake kernel, a docker with no rules, a mount command that records.</summary>
    internal sealed class Bed : IDisposable
    {
        public Bed()
        {
            var binfmt = FakeBinfmtKernel.TableFromFixtures(Dir);

            Kernel = new FakeBinfmtKernel(binfmt);
            Interpreter = Dir.WriteFile("libexec/aarch64-binfmt-P", "stand-in");
            var cake = new TestCakeContext(Dir.Path);
            Settings = new RegisterQemuSettings { BinfmtMiscPath = binfmt, ToolPath = Docker.Path, HostConfigDirectory = Dir.Combine("binfmt.d"), HostInterpreterDirectory = Dir.Combine("bin") };
            Runner = new RegisterQemuRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log.Log, new BinfmtHost
            {
                KernelRelease = () => "6.18.44",
                HostPlatform = "linux/amd64",
                LockPath = Dir.Combine("binfmt.lock"),
                KernelWrite = Kernel.Write,
                MountCommand = TestBed.WriteExecutable(Dir.Combine("fake-mount", "mount"), $"#!/bin/sh\n[ $# -eq 0 ] || touch '{Dir.Combine("mount-called")}'\nexit 1\n"),
            });
        }

        public TempDirectory Dir { get; } = new();

        public FakeDocker Docker { get; } = new();

        public FakeBinfmtKernel Kernel { get; }

        public RegisterQemuSettings Settings { get; }

        public RegisterQemuRunner Runner { get; }

        public string Interpreter { get; }

        public Dictionary<string, string> Table => Directory.GetFiles(Dir.Combine("binfmt_misc")).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        /// <summary>Host mode for arm64, with the host settings changed.</summary>
        public void Host(Action<RegisterQemuSettings> change)
        {
            Settings.Mode = QemuRegistrationMode.Host;
            Settings.Platforms.Add("linux/arm64");
            change(Settings);
        }

        /// <summary>Host mode for arm64 with this registration file, and no qemu-aarch64 entry yet.</summary>
        public void Conf(string text)
        {
            File.Delete(Path.Combine(Dir.Combine("binfmt_misc"), "qemu-aarch64"));
            Dir.WriteFile("binfmt.d/qemu-aarch64.conf", text + "\n");
            Host(_ => { });
        }

        /// <summary>Container mode for arm64, with this qemu-aarch64 entry in the table.</summary>
        public void Entry(string line)
        {
            File.Delete(Path.Combine(Dir.Combine("binfmt_misc"), "qemu-aarch64"));
            Kernel.Add(line);
            Settings.Platforms.Add("linux/arm64");
        }

        public void Dispose()
        {
            Docker.Dispose();
            Dir.Dispose();
        }
    }
}
