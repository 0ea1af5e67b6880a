namespace Cake.MultiArch.VerifyManifest.Elf;

/// <summary>
/// What the deep check needs from one ELF file beyond its 20-byte header: the loader it asks
/// for (<c>PT_INTERP</c>), the libraries it needs (<c>DT_NEEDED</c>) and where it looks for them
/// (<c>DT_RUNPATH</c>/<c>DT_RPATH</c>), and for 32-bit ARM the float ABI (<c>e_flags</c>) and the
/// architecture attribute (<c>.ARM.attributes</c> <c>Tag_CPU_arch</c>).
/// </summary>
internal sealed class ElfDetails
{
    /// <summary>The 32-bit ARM <c>e_flags</c> bit for the hard-float (VFP registers) procedure call standard.</summary>
    public const uint ArmFloatHard = 0x400;

    /// <summary>The 32-bit ARM <c>e_flags</c> bit for the soft-float procedure call standard.</summary>
    public const uint ArmFloatSoft = 0x200;

    /// <summary>Gets the identifying header fields.</summary>
    public required ElfHeader Header { get; init; }

    /// <summary>Gets <c>e_type</c> (2 executable, 3 shared object or PIE).</summary>
    public ushort Type { get; init; }

    /// <summary>Gets <c>e_flags</c>.</summary>
    public uint Flags { get; init; }

    /// <summary>Gets the loader path from <c>PT_INTERP</c>, or <see langword="null"/> for a static binary or a library.</summary>
    public string? Interpreter { get; init; }

    /// <summary>Gets a value indicating whether the file has a <c>PT_DYNAMIC</c> segment.</summary>
    public bool IsDynamic { get; init; }

    /// <summary>Gets the <c>DT_NEEDED</c> names.</summary>
    public IReadOnlyList<string> Needed { get; init; } = [];

    /// <summary>Gets the <c>DT_RUNPATH</c> and <c>DT_RPATH</c> directories, as written (with <c>$ORIGIN</c>).</summary>
    public IReadOnlyList<string> RunPaths { get; init; } = [];

    /// <summary>Gets <c>Tag_CPU_arch</c> from <c>.ARM.attributes</c>, when read.</summary>
    public int? ArmCpuArch { get; init; }

    /// <summary>Gets <c>Tag_ABI_VFP_args</c> from <c>.ARM.attributes</c> (1 = VFP registers), when present.</summary>
    public int? ArmVfpArgs { get; init; }

    /// <summary>Gets why part of the file could not be read within the per-file limits, or <see langword="null"/>.</summary>
    public string? Unread { get; init; }

    /// <summary>Gets a value indicating whether this is a 32-bit ARM file.</summary>
    public bool IsArm32 => Header.Machine == 40 && !Header.Is64Bit;

    /// <summary>Gets the float ABI the file declares: <c>hard</c>, <c>soft</c>, or <see langword="null"/> when it says neither.</summary>
    public string? ArmFloatAbi =>
        !IsArm32 ? null
        : (Flags & ArmFloatHard) != 0 ? "hard"
        : (Flags & ArmFloatSoft) != 0 ? "soft"
        : ArmVfpArgs switch { 1 => "hard", 0 => "soft", _ => null };
}
