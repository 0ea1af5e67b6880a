using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// RegisterQemu's pure part: the checks of its settings, before anything is read, mounted or
/// started; the registration it expects of a <c>qemu-*</c> entry (QEMU's magic and mask), and how an
/// entry the kernel lists compares with it.
/// </summary>
internal static class RegisterQemuPlan
{
    /// <summary>Lists every problem of the settings at once.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>One message per problem, without the alias prefix.</returns>
    public static IReadOnlyList<string> Problems(RegisterQemuSettings settings)
    {
        var problems = new List<string>(PlatformList.Validate("Platforms", settings.Platforms, allowEmpty: true));
        var index = 0;
        foreach (var platform in settings.Platforms)
        {
            if (!platform.IsDefault && platform.Os != "linux")
            {
                problems.Add($"Platforms[{index}] is '{platform}'; expected a linux platform (binfmt_misc runs Linux binaries), found operating system '{platform.Os}'. Use 'linux/{platform.Architecture}{(platform.Variant is null ? string.Empty : "/" + platform.Variant)}' or remove it.");
            }

            index++;
        }

        if (!Enum.IsDefined(settings.Mode))
        {
            problems.Add($"Mode is {(int)settings.Mode}; expected QemuRegistrationMode.Container or QemuRegistrationMode.Host.");
        }

        if (!Enum.IsDefined(settings.InstallerStyle))
        {
            problems.Add($"InstallerStyle is {(int)settings.InstallerStyle}; expected QemuInstallerStyle.Binfmt or QemuInstallerStyle.QemuUserStatic.");
        }

        if (settings.Mode == QemuRegistrationMode.Container)
        {
            if (string.IsNullOrWhiteSpace(settings.Image))
            {
                problems.Add("Image is empty; expected an installer image such as 'tonistiigi/binfmt:latest' or a mirror of it.");
            }
            else if (ImageReference.TryParseCore(settings.Image, out _) is { } error)
            {
                problems.Add($"Image is not an image reference: {error} Expected an installer image such as 'tonistiigi/binfmt:latest' or a mirror of it.");
            }
        }

        if (settings.Mode == QemuRegistrationMode.Container && settings.RequirePinnedImage && MutableImage(settings) is { } mutable)
        {
            problems.Add(mutable + " RequirePinnedImage is set, so this is an error.");
        }

        if (settings.SelfTestImage is not null && (string.IsNullOrWhiteSpace(settings.SelfTestImage) || ImageReference.TryParseCore(settings.SelfTestImage, out _) is not null))
        {
            problems.Add($"SelfTestImage '{settings.SelfTestImage}' is not an image reference; expected an image with 'true' for the emulated platforms, such as 'busybox:1.36', or null to skip the container run.");
        }

        if (settings.CheckOnly && (settings.Reset || settings.MountBinfmtMisc))
        {
            problems.Add($"CheckOnly is set with {(settings.Reset ? "Reset" : "MountBinfmtMisc")} = true; expected CheckOnly alone: it changes nothing, so it cannot also {(settings.Reset ? "remove entries" : "mount binfmt_misc")}. Drop one of them.");
        }

        if (!settings.SelfTest && settings.SelfTestImage is not null)
        {
            problems.Add("SelfTestImage is set but SelfTest is false; expected SelfTest = true with it (the container run is part of the self-test). Set SelfTest = true or drop SelfTestImage.");
        }

        AbsolutePath(problems, "BinfmtMiscPath", settings.BinfmtMiscPath, $"the folder where binfmt_misc is mounted, such as '{BinfmtTable.DefaultPath}'");
        if (settings.Mode == QemuRegistrationMode.Host)
        {
            AbsolutePath(problems, "HostConfigDirectory", settings.HostConfigDirectory, "the folder of the host's QEMU registrations, such as '/usr/lib/binfmt.d'");
            AbsolutePath(problems, "HostInterpreterDirectory", settings.HostInterpreterDirectory, "the folder of the host's qemu-*-static interpreters, such as '/usr/bin'");
        }

        if (settings.ResetAllQemu && !settings.Reset)
        {
            problems.Add("ResetAllQemu is set but Reset is not; expected Reset = true with it (ResetAllQemu only widens what Reset removes), found Reset = false. Set Reset = true too, or drop ResetAllQemu.");
        }

        return problems;
    }

    /// <summary>Tells whether the installer image is mutable (no digest), with how to pin it.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The warning, or <see langword="null"/> when the image is pinned by digest (or not parseable: that is a problem of its own).</returns>
    public static string? MutableImage(RegisterQemuSettings settings) =>
        ImageReference.TryParseCore(settings.Image, out var reference) is null && reference!.Digest is null
            ? $"Image '{settings.Image}' is a mutable reference (no @sha256: digest): the QEMU it installs can change under you between two builds (tonistiigi/binfmt:latest jumped from QEMU 7.0.0 to 9.2.0 in 2025 and broke arm64 builds). Pin it by digest, e.g. '{RegisterQemuSettings.DefaultImage}' (see docs/qemu.md); 'docker buildx imagetools inspect {settings.Image}' shows the digest of the tag you use."
            : null;

    /// <summary>Builds QEMU's own registration (magic and mask of <c>qemu-binfmt-conf.sh</c>) for an emulator.</summary>
    /// <param name="qemuName">The entry name, such as <c>qemu-aarch64</c>.</param>
    /// <param name="interpreter">The interpreter.</param>
    /// <param name="flags">The flags.</param>
    /// <returns>The registration.</returns>
    public static BinfmtRegistration Qemu(string qemuName, string interpreter, string flags) =>
        BinfmtRegistration.Parse(QemuMagic.Registration(qemuName, interpreter, flags) ?? throw new InvalidOperationException($"No QEMU magic for '{qemuName}'."));

    /// <summary>
    /// Lists how an entry differs from what is wanted in what decides which binaries it runs and
    /// with what: type, offset, magic, mask, and an interpreter that must be the wanted one or a
    /// QEMU for the same architecture (<c>qemu-ARCH</c>, <c>qemu-ARCH-static</c>, <c>ARCH-binfmt-P</c>).
    /// Flags are not compared here: a missing <c>F</c> makes the entry "not ready", not different.
    /// </summary>
    /// <param name="entry">The entry the kernel lists.</param>
    /// <param name="wanted">The wanted registration.</param>
    /// <returns>The differences; empty when the entry is acceptable.</returns>
    public static IReadOnlyList<string> Differences(BinfmtEntry entry, BinfmtRegistration wanted)
    {
        var differences = wanted.MatchDifferences(entry).ToList();
        var arch = wanted.Name.StartsWith("qemu-", StringComparison.Ordinal) ? wanted.Name["qemu-".Length..] : wanted.Name;
        var file = entry.Interpreter is null ? string.Empty : Path.GetFileName(entry.Interpreter);
        if (entry.Interpreter != wanted.Interpreter && file != $"qemu-{arch}" && file != $"qemu-{arch}-static" && file != $"{arch}-binfmt-P")
        {
            differences.Add($"interpreter '{entry.Interpreter ?? "(none)"}' (expected '{wanted.Interpreter}' or another QEMU for {arch}: qemu-{arch}, qemu-{arch}-static or {arch}-binfmt-P)");
        }

        return differences;
    }

    /// <summary>Reads the major and minor version of a kernel release such as <c>6.1.0-18-amd64</c>.</summary>
    /// <param name="release">The release (<c>/proc/sys/kernel/osrelease</c>).</param>
    /// <returns>The version, or <see langword="null"/> when the release does not start with two numbers.</returns>
    public static Version? TryParseKernel(string release)
    {
        var parts = release.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor) ? new Version(major, minor) : null;
    }

    private static void AbsolutePath(List<string> problems, string setting, string? value, string expected)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{setting} is empty; expected {expected}.");
        }
        else if (!Path.IsPathFullyQualified(value) || value.Contains('\0', StringComparison.Ordinal))
        {
            problems.Add($"{setting} '{value}' is not an absolute path; expected {expected}.");
        }
    }
}
