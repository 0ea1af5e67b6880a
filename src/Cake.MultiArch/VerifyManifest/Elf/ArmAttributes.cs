using System.Buffers.Binary;

namespace Cake.MultiArch.VerifyManifest.Elf;

/// <summary>
/// The <c>aeabi</c> build attributes of a 32-bit ARM ELF file (<c>.ARM.attributes</c>, ARM IHI 0045
/// "Addenda to, and Errata in, the ABI for the Arm Architecture", section 2): the file-scope
/// <c>Tag_CPU_arch</c> (6) and <c>Tag_ABI_VFP_args</c> (28).
/// </summary>
internal static class ArmAttributes
{
    private static readonly string[] ArchitectureNames =
    [
        "pre-ARMv4", "ARMv4", "ARMv4T", "ARMv5T", "ARMv5TE", "ARMv5TEJ", "ARMv6", "ARMv6KZ", "ARMv6T2", "ARMv6K",
        "ARMv7", "ARMv6-M", "ARMv6S-M", "ARMv7E-M", "ARMv8-A", "ARMv8-R", "ARMv8-M.baseline", "ARMv8-M.mainline",
        "ARMv8.1-A", "ARMv8.2-A", "ARMv8.3-A", "ARMv8.1-M.mainline", "ARMv9-A",
    ];

    /// <summary>Names a <c>Tag_CPU_arch</c> value, such as <c>ARMv7</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The architecture's name.</returns>
    public static string Name(int value) => value >= 0 && value < ArchitectureNames.Length ? ArchitectureNames[value] : $"Tag_CPU_arch {value}";

    /// <summary>The newest <c>Tag_CPU_arch</c> a platform variant runs: <c>v5</c> ARMv5TEJ, <c>v6</c> ARMv6K, <c>v7</c> ARMv7.</summary>
    /// <param name="variant">The platform variant.</param>
    /// <returns>The highest accepted value, or <see langword="null"/> for a variant this check does not know.</returns>
    public static int? Newest(string? variant) => variant switch
    {
        "v5" => 5,
        "v6" => 9,
        "v7" => 10,
        _ => null,
    };

    /// <summary>Reads the file-scope attributes of the <c>aeabi</c> vendor section.</summary>
    /// <param name="bytes">The section's contents.</param>
    /// <param name="little">The file's byte order.</param>
    /// <param name="cpuArch">The <c>Tag_CPU_arch</c> value, when present.</param>
    /// <param name="vfpArgs">The <c>Tag_ABI_VFP_args</c> value, when present.</param>
    /// <returns><see langword="true"/> when the section is in the expected format.</returns>
    public static bool TryRead(ReadOnlySpan<byte> bytes, bool little, out int? cpuArch, out int? vfpArgs)
    {
        cpuArch = null;
        vfpArgs = null;
        if (bytes.Length < 1 || bytes[0] != (byte)'A')
        {
            return false;
        }

        var at = 1;
        while (at + 4 <= bytes.Length)
        {
            var length = (int)(little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]) : BinaryPrimitives.ReadUInt32BigEndian(bytes[at..]));
            if (length < 5 || at + length > bytes.Length)
            {
                return cpuArch is not null;
            }

            var section = bytes.Slice(at + 4, length - 4);
            var nameEnd = section.IndexOf((byte)0);
            if (nameEnd > 0 && section[..nameEnd].SequenceEqual("aeabi"u8))
            {
                ReadSubsections(section[(nameEnd + 1)..], little, ref cpuArch, ref vfpArgs);
                return true;
            }

            at += length;
        }

        return false;
    }

    private static void ReadSubsections(ReadOnlySpan<byte> data, bool little, ref int? cpuArch, ref int? vfpArgs)
    {
        var at = 0;
        while (at + 5 <= data.Length)
        {
            var tag = data[at];
            var size = (int)(little ? BinaryPrimitives.ReadUInt32LittleEndian(data[(at + 1)..]) : BinaryPrimitives.ReadUInt32BigEndian(data[(at + 1)..]));
            if (size < 5 || at + size > data.Length)
            {
                return;
            }

            if (tag == 1)
            {
                ReadAttributes(data.Slice(at + 5, size - 5), ref cpuArch, ref vfpArgs);
            }

            at += size;
        }
    }

    private static void ReadAttributes(ReadOnlySpan<byte> data, ref int? cpuArch, ref int? vfpArgs)
    {
        var at = 0;
        while (at < data.Length)
        {
            var tag = Uleb(data, ref at);
            if (tag is 4 or 5 or 67 || (tag > 32 && tag % 2 == 1))
            {
                var end = data[at..].IndexOf((byte)0);
                at = end < 0 ? data.Length : at + end + 1;
                continue;
            }

            if (tag == 32)
            {
                Uleb(data, ref at);
                var end = data[at..].IndexOf((byte)0);
                at = end < 0 ? data.Length : at + end + 1;
                continue;
            }

            var value = (int)Uleb(data, ref at);
            if (tag == 6)
            {
                cpuArch = value;
            }
            else if (tag == 28)
            {
                vfpArgs = value;
            }
        }
    }

    private static ulong Uleb(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        var shift = 0;
        while (at < data.Length)
        {
            var b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0 || shift > 56)
            {
                break;
            }

            shift += 7;
        }

        return value;
    }
}
