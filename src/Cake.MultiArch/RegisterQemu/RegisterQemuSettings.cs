using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>How RegisterQemu registers the emulators.</summary>
public enum QemuRegistrationMode
{
    /// <summary>
    /// Run an installer image: <c>docker run --privileged --rm IMAGE --install ARCHS</c>
    /// (tonistiigi/binfmt), the way docker/setup-qemu-action does. Needs a docker engine.
    /// </summary>
    Container,

    /// <summary>
    /// No container: register the host's own static QEMU (Debian/Ubuntu <c>qemu-user-static</c>'s
    /// <c>/usr/lib/binfmt.d/qemu-*.conf</c>, Fedora's <c>qemu-*-static.conf</c>, or a bare
    /// <c>/usr/bin/qemu-*-static</c>) by writing to binfmt_misc's <c>register</c> with the <c>F</c> flag.
    /// </summary>
    Host,
}

/// <summary>The kind of installer image that container mode runs.</summary>
public enum QemuInstallerStyle
{
    /// <summary><c>tonistiigi/binfmt</c> and images like it: <c>--install arm64,riscv64</c>.</summary>
    Binfmt,

    /// <summary>
    /// <c>multiarch/qemu-user-static</c>: <c>--reset -p yes --credential yes</c>. Note that this image's
    /// own <c>--reset</c> removes every <c>qemu-*</c> entry before registering all of its emulators.
    /// </summary>
    QemuUserStatic,
}

/// <summary>Settings for <c>RegisterQemu</c>.</summary>
public sealed class RegisterQemuSettings : DockerSettings
{
    /// <summary>
    /// The default installer image: tonistiigi/binfmt's QEMU 10.2.3 release, pinned by digest (the
    /// newest release, with every fix docs/qemu.md lists). A mutable tag such as <c>:latest</c>
    /// changes the QEMU that builds a release under the team's feet.
    /// </summary>
    public const string DefaultImage = "tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0";

    /// <summary>
    /// Gets the platforms to emulate (<c>linux/…</c> only; platforms the host runs natively are
    /// reported as native and need nothing). Default (empty): every platform the addin knows that
    /// the host does not run natively, as documented since the first release; the log says so.
    /// A <c>default(Platform)</c> in the list is an error, and so is an empty platform list
    /// string (<see cref="PlatformList.Parse"/> refuses <c>""</c> and <c>","</c>), so an empty
    /// <c>--platforms=</c> never turns into "every platform" by accident.
    /// </summary>
    public IList<Platform> Platforms { get; } = new List<Platform>();

    /// <summary>Gets or sets the registration mode. Default: <see cref="QemuRegistrationMode.Container"/>.</summary>
    public QemuRegistrationMode Mode { get; set; } = QemuRegistrationMode.Container;

    /// <summary>
    /// Gets or sets the installer image for container mode. Default: <see cref="DefaultImage"/>
    /// (pinned by digest). A reference without <c>@sha256:</c> is mutable and logs a warning (an
    /// error with <see cref="RequirePinnedImage"/>); use a mirror
    /// (<c>hub.example.com/tonistiigi/binfmt:qemu-v10.2.3-68@sha256:…</c>) where Docker Hub is out of reach.
    /// </summary>
    public string Image { get; set; } = DefaultImage;

    /// <summary>Gets or sets the installer image's command style. Default: <see cref="QemuInstallerStyle.Binfmt"/>.</summary>
    public QemuInstallerStyle InstallerStyle { get; set; } = QemuInstallerStyle.Binfmt;

    /// <summary>
    /// Gets or sets a value indicating whether the <c>qemu-*</c> entries of the wanted platforms are
    /// removed and registered again (to replace an emulator). Entries of other platforms, and
    /// non-QEMU entries (Java, Wine, Python…), are never touched. Default: <see langword="false"/>.
    /// </summary>
    /// <remarks>
    /// Without <c>Reset</c>, an existing <c>qemu-*</c> entry that does not match what would be
    /// registered (another magic, mask or offset, an extension entry, or an interpreter that is
    /// not a QEMU for that architecture) is never replaced and never accepted: RegisterQemu fails
    /// naming each difference. An entry that matches but is disabled or lacks the <c>F</c> flag is
    /// replaced, since it cannot serve containers. A matching entry with another QEMU interpreter
    /// (<c>/usr/bin/qemu-aarch64-static</c> instead of Debian's <c>aarch64-binfmt-P</c>) or other
    /// flags besides <c>F</c> is kept, and the log says so.
    /// </remarks>
    public bool Reset { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="Reset"/> removes every <c>qemu-*</c> entry, not only the wanted ones (still never a non-QEMU entry). Needs <see cref="Reset"/>: setting it alone is an error.</summary>
    public bool ResetAllQemu { get; set; }

    /// <summary>
    /// Gets or sets where binfmt_misc is mounted: an absolute path. Default:
    /// <c>/proc/sys/fs/binfmt_misc</c>, the kernel's own mount point, where RegisterQemu mounts
    /// binfmt_misc itself when it is not mounted yet. Any other folder must already hold a mounted
    /// binfmt_misc, unless <see cref="MountBinfmtMisc"/> is set.
    /// </summary>
    public string BinfmtMiscPath { get; set; } = BinfmtTable.DefaultPath;

    /// <summary>
    /// Gets or sets a value indicating whether RegisterQemu may mount binfmt_misc on a
    /// <see cref="BinfmtMiscPath"/> other than <c>/proc/sys/fs/binfmt_misc</c> when nothing is
    /// mounted there. The folder must exist and be empty: a mount would hide what it holds, so a
    /// folder with files is refused. Default: <see langword="false"/> (an ordinary folder is an error).
    /// </summary>
    public bool MountBinfmtMisc { get; set; }

    /// <summary>Gets or sets the folder of the host's QEMU registrations for host mode. Default: <c>/usr/lib/binfmt.d</c> (Debian/Ubuntu qemu-user-static).</summary>
    public string HostConfigDirectory { get; set; } = "/usr/lib/binfmt.d";

    /// <summary>
    /// Gets or sets where host mode looks for <c>qemu-NAME-static</c> interpreters when there is no
    /// registration file for a platform. Default: <c>/usr/bin</c>.
    /// </summary>
    public string HostInterpreterDirectory { get; set; } = "/usr/bin";

    /// <summary>
    /// Gets or sets a value indicating whether a mutable <see cref="Image"/> (a tag without
    /// <c>@sha256:</c>) is an error instead of a warning. Default: <see langword="false"/>.
    /// </summary>
    public bool RequirePinnedImage { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether each foreign platform is proven to run after the
    /// registration (and on a call that changes nothing): a tiny static program of that
    /// architecture is run through the kernel, directly and (as root) inside an empty root, which
    /// proves the F flag; the emulator's QEMU version is read and checked against the versions known
    /// to break builds. A platform that fails is an error naming the reason and the fix.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool SelfTest { get; set; } = true;

    /// <summary>
    /// Gets or sets an image the self-test also runs for each emulated platform
    /// (<c>docker run --rm --platform P IMAGE true</c>), which proves the engine's side. The image
    /// must have <c>true</c> for those platforms (busybox, alpine, debian). Default: <see langword="null"/> (not run).
    /// </summary>
    public string? SelfTestImage { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether RegisterQemu only reports (the doctor): it mounts,
    /// registers and removes nothing, and reports the kernel, the mount, each platform's entry,
    /// flags, interpreter, QEMU version and self-test as a table in the log and in
    /// <see cref="RegisterQemuResult.Table"/>, without failing on what it finds. Default: <see langword="false"/>.
    /// </summary>
    public bool CheckOnly { get; set; }
}
