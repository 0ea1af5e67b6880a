using Cake.Core;
using Cake.MultiArch.Platforms;
using Path = System.IO.Path;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// What RegisterQemu expects of a <c>qemu-*</c> entry: the host's own registration (host mode),
/// or QEMU's magic and mask, and how an entry the kernel lists compares with it.
/// </summary>
internal static class QemuExpectations
{
    /// <summary>
    /// Finds the host's registration for a platform: Debian/Ubuntu's
    /// <c>/usr/lib/binfmt.d/qemu-NAME.conf</c>, Fedora's <c>qemu-NAME-static.conf</c>, or else a
    /// static interpreter (<c>/usr/bin/qemu-NAME-static</c>) with QEMU's own magic and mask. The
    /// line is checked (<see cref="BinfmtRegistration"/>) before it can reach the kernel; it gets
    /// RegisterQemu's entry name and the <c>F</c> flag.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The registration, or <see langword="null"/> when the host has neither a registration file nor a static interpreter.</returns>
    /// <exception cref="CakeException">A registration file is invalid or names an interpreter that does not exist.</exception>
    public static BinfmtRegistration? Host(RegisterQemuSettings settings, Platform platform)
    {
        var name = platform.Info.QemuName;
        foreach (var conf in new[] { Path.Combine(settings.HostConfigDirectory, name + ".conf"), Path.Combine(settings.HostConfigDirectory, name + "-static.conf") }.Where(File.Exists))
        {
            var line = File.ReadAllLines(conf).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(':'))
                ?? throw new CakeException($"RegisterQemu: '{conf}' holds no registration line; expected {BinfmtRegistration.Form}.");
            if (BinfmtRegistration.TryParseCore(line, out var parsed) is { } error)
            {
                throw new CakeException($"RegisterQemu: the registration in '{conf}' for {platform} is invalid, so nothing was written to the kernel: {error} Reinstall the emulators (Debian/Ubuntu: apt-get install --reinstall qemu-user-static), or use container mode.");
            }

            if (!File.Exists(parsed!.Interpreter))
            {
                throw new CakeException($"RegisterQemu: no QEMU interpreter for {platform} on this host: '{parsed.Interpreter}' (named by '{conf}') does not exist. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static).");
            }

            // The kernel takes the name from the line; keep ours so that the table check finds it.
            return parsed.With(name, "F");
        }

        var interpreter = Path.Combine(settings.HostInterpreterDirectory, name + "-static");
        return File.Exists(interpreter) ? Qemu(name, interpreter, "OCF") : null;
    }

    /// <summary>Gets the error for a platform the host has no emulator for.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The exception to throw.</returns>
    public static CakeException NoHostEmulator(RegisterQemuSettings settings, Platform platform) =>
        new($"RegisterQemu: no QEMU interpreter for {platform} on this host: no '{Path.Combine(settings.HostConfigDirectory, platform.Info.QemuName + ".conf")}' and no '{Path.Combine(settings.HostInterpreterDirectory, platform.Info.QemuName + "-static")}'. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static; Fedora: dnf install qemu-user-static), or use container mode.");

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
}
