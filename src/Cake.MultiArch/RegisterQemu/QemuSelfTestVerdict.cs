using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// The self-test's pure part: what the kernel's answers to the self-test program mean, with the
/// fix. A direct <c>execve</c> classifies (its errno is the kernel's own answer); the run inside an
/// empty root only proves the <c>F</c> flag (coreutils <c>chroot</c> retries <c>ENOEXEC</c> through
/// <c>/bin/sh</c>, so its message is not the kernel's).
/// </summary>
internal static class QemuSelfTestVerdict
{
    /// <summary>Classifies the answers for one platform.</summary>
    /// <param name="platform">The platform.</param>
    /// <param name="emulated">Whether it should run through an emulator.</param>
    /// <param name="entry">Its <c>qemu-*</c> entry, when the table lists one.</param>
    /// <param name="binfmtPath">Where binfmt_misc is mounted (for the fixes).</param>
    /// <param name="direct">The answer of the direct run.</param>
    /// <param name="chroot">The answer of the run inside an empty root, or <see langword="null"/> when not made (not root, or native).</param>
    /// <returns>The result, without version.</returns>
    public static QemuSelfTestResult Classify(Platform platform, bool emulated, BinfmtEntry? entry, string binfmtPath, ExecAnswer direct, ExecAnswer? chroot)
    {
        var handler = entry is null ? "no qemu-* entry" : $"entry '{entry.Name}' (flags '{entry.Flags}', interpreter '{entry.Interpreter ?? "-"}', {(entry.Enabled ? "enabled" : "disabled")})";
        var result = new QemuSelfTestResult { Platform = platform, Emulated = emulated, Reason = string.Empty };
        if (direct.Errno == QemuSelfTest.NoExec)
        {
            return result with
            {
                Reason = !emulated ? $"the host does not run {platform} programs natively: the kernel refused the program (exec format error, ENOEXEC)."
                    : entry is { Enabled: false } ? $"the binfmt_misc entry '{entry.Name}' is disabled, so the kernel refuses {platform} programs (exec format error, ENOEXEC)."
                    : $"no enabled binfmt_misc handler matches {platform} programs ({handler}): the kernel refused the program (exec format error, ENOEXEC).",
                Fix = entry is { Enabled: false }
                    ? $"enable it (echo 1 > {binfmtPath}/{entry.Name}) or register it again: RegisterQemu with Reset = true."
                    : $"register an emulator for it: RegisterQemu with Platforms = {platform}.",
            };
        }

        if (direct.Errno == QemuSelfTest.NoEntry)
        {
            return result with
            {
                Reason = $"the interpreter of the binfmt_misc handler for {platform} does not exist ({handler}): the kernel answered 'No such file or directory' (ENOENT) for a program that exists.",
                Fix = "install the emulators (Debian/Ubuntu: apt-get install qemu-user-static) or register them again: RegisterQemu with Reset = true.",
            };
        }

        if (direct.ExitCode != SelfTestPrograms.ExitCode)
        {
            var what = direct.Errno is { } errno ? $"could not be started (errno {errno}: {direct.Output})"
                : direct.ExitCode is not { } code ? direct.Output
                : code > 128 ? $"exited with {code} (signal {code - 128}) instead of 42"
                : $"exited with {code} instead of 42";
            return result with
            {
                Reason = $"the {platform} self-test program {what} through {(emulated ? handler : "the host")}{(direct.Output.Length > 0 && direct.Errno is null ? $": {direct.Output}" : string.Empty)}.",
                Fix = emulated ? "replace the emulator: RegisterQemu with Reset = true, with a QEMU not known to be broken (docs/qemu.md)." : "check the host: its kernel could not run a native program.",
            };
        }

        return ClassifyRoot(result, platform, emulated, entry, handler, chroot);
    }

    private static QemuSelfTestResult ClassifyRoot(QemuSelfTestResult result, Platform platform, bool emulated, BinfmtEntry? entry, string handler, ExecAnswer? chroot)
    {
        if (!emulated)
        {
            return result with { Passed = true, Reason = $"the host runs {platform} programs natively (exit 42)." };
        }

        if (chroot is null)
        {
            return entry is { FixBinary: false }
                ? result with { Reason = $"{platform} programs run on the host through {handler}, but the entry lacks the F flag, so inside a container the kernel looks for the interpreter in the container's files and fails.", Fix = "register it again with the F flag: RegisterQemu with Reset = true." }
                : result with { Passed = true, Reason = $"{platform} programs run through {handler} (exit 42); the F flag was not proven by a run inside an empty root, which needs root (chroot)." };
        }

        if (chroot.Errno == QemuSelfTest.NoEntry && chroot.ExitCode is null)
        {
            return result with { Passed = true, Reason = $"{platform} programs run through {handler} (exit 42); the F flag was not proven: 'chroot' was not found." };
        }

        return chroot.ExitCode == SelfTestPrograms.ExitCode
            ? result with { Passed = true, FixBinaryChecked = true, Reason = $"{platform} programs run through {handler}, also inside an empty root as in a container (F flag) (exit 42)." }
            : result with
            {
                FixBinaryChecked = true,
                Reason = $"{platform} programs run on the host through {handler}, but not inside an empty root as in a container ({(chroot.ExitCode is { } c ? $"exit {c}" : chroot.Output)}: {chroot.Output}): the handler lacks the F flag, so the kernel looks for the interpreter in the container's files.",
                Fix = "register it again with the F flag: RegisterQemu with Reset = true.",
            };
    }
}
