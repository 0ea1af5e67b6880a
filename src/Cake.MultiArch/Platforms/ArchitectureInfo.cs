namespace Cake.MultiArch.Platforms;

/// <summary>
/// What the addin knows about one CPU architecture (with its variant, where the variant changes
/// the instruction set): the QEMU user-mode emulator that runs it, the name the
/// <c>tonistiigi/binfmt</c> installer uses for it, and the ELF header values of its binaries.
/// </summary>
/// <param name="Architecture">The OCI architecture name, such as <c>arm64</c>.</param>
/// <param name="Variant">The OCI variant (<c>v7</c> for <c>arm/v7</c>), or <see langword="null"/>.</param>
/// <param name="QemuName">The QEMU emulator and binfmt_misc entry name, such as <c>qemu-aarch64</c>.</param>
/// <param name="BinfmtName">The architecture name that <c>tonistiigi/binfmt --install</c> takes.</param>
/// <param name="ElfMachine">The ELF header's <c>e_machine</c> value for this architecture.</param>
/// <param name="Is64Bit">Whether binaries are ELFCLASS64 (otherwise ELFCLASS32).</param>
/// <param name="IsLittleEndian">Whether binaries are ELFDATA2LSB (otherwise ELFDATA2MSB).</param>
internal sealed record ArchitectureInfo(
    string Architecture,
    string? Variant,
    string QemuName,
    string BinfmtName,
    ushort ElfMachine,
    bool Is64Bit,
    bool IsLittleEndian);
