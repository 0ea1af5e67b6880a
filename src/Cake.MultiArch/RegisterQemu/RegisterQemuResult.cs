using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>What RegisterQemu found or did for one platform.</summary>
public enum QemuPlatformState
{
    /// <summary>The host runs it natively: no emulator needed.</summary>
    Native,

    /// <summary>
    /// An enabled entry with the <c>F</c> flag that matches the wanted registration was already
    /// there, or another process registered a matching one while this call waited or wrote: this
    /// call changed nothing.
    /// </summary>
    AlreadyRegistered,

    /// <summary>Registered by this call.</summary>
    RegisteredNow,

    /// <summary>Still missing after this call, or registered but not matching the wanted registration.</summary>
    Failed,
}

/// <summary>One platform's line of the RegisterQemu report.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="State">What was found or done.</param>
/// <param name="EntryName">The binfmt_misc entry (<c>qemu-aarch64</c>), or <see langword="null"/> for native platforms.</param>
/// <param name="Interpreter">The registered interpreter, when there is one.</param>
/// <param name="Flags">The entry's flags, when there is one.</param>
public sealed record QemuPlatformStatus(Platform Platform, QemuPlatformState State, string? EntryName, string? Interpreter, string? Flags)
{
    /// <summary>Gets what the self-test proved for this platform, or <see langword="null"/> when it did not run (SelfTest = false, or BinfmtMiscPath is not the kernel's binfmt_misc).</summary>
    public QemuSelfTestResult? SelfTest { get; init; }
}

/// <summary>The result of RegisterQemu: one line per wanted platform.</summary>
/// <param name="Platforms">The per-platform report.</param>
public sealed record RegisterQemuResult(IReadOnlyList<QemuPlatformStatus> Platforms)
{
    /// <summary>Gets a value indicating whether anything was registered by this call.</summary>
    public bool Changed => Platforms.Any(p => p.State == QemuPlatformState.RegisteredNow);

    /// <summary>Gets the warnings: a QEMU version known to break builds (naming the upstream thread), a mutable installer image.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the kernel release (<c>/proc/sys/kernel/osrelease</c>), when it could be read.</summary>
    public string? KernelRelease { get; init; }

    /// <summary>Gets the report as a table: kernel, binfmt_misc mount, and per platform the entry, flags, interpreter, QEMU version and self-test (what <see cref="RegisterQemuSettings.CheckOnly"/> is for).</summary>
    public string Table { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Table.Length > 0 ? Table : string.Join(System.Environment.NewLine, Platforms);
}
