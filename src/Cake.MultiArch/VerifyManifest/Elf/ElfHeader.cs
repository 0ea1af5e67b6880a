using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest.Elf;

/// <summary>
/// The 20 bytes of an ELF header that say which machine a binary is for: the magic, the class
/// (32/64-bit), the byte order and <c>e_machine</c>. No ELF library is needed for that.
/// </summary>
/// <param name="Is64Bit">ELFCLASS64 (otherwise ELFCLASS32).</param>
/// <param name="IsLittleEndian">ELFDATA2LSB (otherwise ELFDATA2MSB).</param>
/// <param name="Machine">The <c>e_machine</c> value.</param>
internal readonly record struct ElfHeader(bool Is64Bit, bool IsLittleEndian, ushort Machine)
{
    /// <summary>The bytes needed to read the header's identifying fields.</summary>
    public const int Length = 20;

    /// <summary>Reads the header from a file's first bytes.</summary>
    /// <param name="bytes">At least the first 20 bytes.</param>
    /// <param name="header">The header, when the bytes are an ELF file.</param>
    /// <returns><see langword="true"/> for an ELF file with a valid class and byte order.</returns>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out ElfHeader header)
    {
        header = default;
        if (bytes.Length < Length || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            return false;
        }

        var elfClass = bytes[4];
        var data = bytes[5];
        if (elfClass is not (1 or 2) || data is not (1 or 2))
        {
            return false;
        }

        var little = data == 1;
        var machine = little ? (ushort)(bytes[18] | (bytes[19] << 8)) : (ushort)((bytes[18] << 8) | bytes[19]);
        header = new ElfHeader(elfClass == 2, little, machine);
        return true;
    }

    /// <summary>Gets whether this binary runs on the platform's architecture.</summary>
    /// <param name="platform">The platform.</param>
    /// <returns><see langword="true"/> when machine, class and byte order match.</returns>
    public bool Matches(Platform platform) =>
        platform.Info.ElfMachine == Machine && platform.Info.Is64Bit == Is64Bit && platform.Info.IsLittleEndian == IsLittleEndian;

    /// <summary>Names the architecture the binary is for, in OCI terms where one fits.</summary>
    /// <returns>Such as <c>amd64</c>, <c>arm64</c>, <c>ppc64 (big-endian)</c> or <c>e_machine 0x5</c>.</returns>
    public string Describe()
    {
        var header = this;
        var known = Platform.Supported.FirstOrDefault(p => header.Matches(p));
        if (known.Info is not null)
        {
            return known.Architecture;
        }

        return (Machine, Is64Bit, IsLittleEndian) switch
        {
            (21, true, false) => "ppc64 (big-endian)",
            (20, false, _) => "ppc (32-bit)",
            (8, true, false) => "mips64 (big-endian)",
            (8, false, _) => "mips (32-bit)",
            (183, false, _) => "arm64 ILP32",
            (62, false, _) => "x32",
            (243, false, _) => "riscv32",
            _ => $"e_machine 0x{Machine:x} ({(Is64Bit ? 64 : 32)}-bit, {(IsLittleEndian ? "little" : "big")}-endian)",
        };
    }
}
