using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// What the self-test proved for one platform: a tiny static program of that architecture (it
/// only exits with code 42) run through the kernel, natively or by its binfmt_misc handler, again
/// inside an empty root (which proves the <c>F</c> flag containers need), and, for an emulator,
/// once more with <c>QEMU_VERSION=1</c> to read the QEMU version the kernel really holds.
/// </summary>
public sealed record QemuSelfTestResult
{
    /// <summary>Gets the platform.</summary>
    public required Platform Platform { get; init; }

    /// <summary>Gets a value indicating whether the program ran through an emulator (<see langword="false"/>: the host runs it natively).</summary>
    public bool Emulated { get; init; }

    /// <summary>Gets a value indicating whether the program ran and returned 42 (and, when checked, also inside an empty root).</summary>
    public bool Passed { get; init; }

    /// <summary>Gets what was proved, or why it failed.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets how to fix a failure, or <see langword="null"/> when it passed.</summary>
    public string? Fix { get; init; }

    /// <summary>Gets a value indicating whether the run inside an empty root was made (it needs root), proving the <c>F</c> flag.</summary>
    public bool FixBinaryChecked { get; init; }

    /// <summary>Gets the QEMU version line the emulator printed (<c>qemu-aarch64 version 7.2.22 (Debian …)</c>), or <see langword="null"/> when it is native or not a QEMU.</summary>
    public string? QemuVersion { get; init; }

    /// <summary>Gets the warnings: a QEMU version known to break builds (naming the upstream thread), an image run that failed.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the result of <c>docker run --rm --platform P IMAGE true</c> when <see cref="RegisterQemuSettings.SelfTestImage"/> is set: <see langword="null"/> when not run.</summary>
    public bool? ImagePassed { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Platform} {(Emulated ? "emulated" : "native")} {(Passed ? "passed" : "failed")}: {Reason}{(Fix is null ? string.Empty : " Fix: " + Fix)}";
}
