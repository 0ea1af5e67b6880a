using Cake.Core;
using Cake.MultiArch.Platforms;
using Path = System.IO.Path;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// The host's own QEMU registrations (host mode): read from its <c>binfmt.d</c> files or built for
/// its static interpreters. What is expected of an entry, and how one compares, is <see cref="RegisterQemuPlan"/>'s.
/// </summary>
internal static class HostRegistrations
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
        return File.Exists(interpreter) ? RegisterQemuPlan.Qemu(name, interpreter, "OCF") : null;
    }

    /// <summary>Gets the error for a platform the host has no emulator for.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The exception to throw.</returns>
    public static CakeException NoHostEmulator(RegisterQemuSettings settings, Platform platform) =>
        new($"RegisterQemu: no QEMU interpreter for {platform} on this host: no '{Path.Combine(settings.HostConfigDirectory, platform.Info.QemuName + ".conf")}' and no '{Path.Combine(settings.HostInterpreterDirectory, platform.Info.QemuName + "-static")}'. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static; Fedora: dnf install qemu-user-static), or use container mode.");
}
