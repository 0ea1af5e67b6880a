namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// The binfmt_misc magic and mask of each emulator, for host mode when the distribution ships
/// the static interpreters without registration files. Values are those of QEMU's
/// <c>scripts/qemu-binfmt-conf.sh</c>, as Debian's qemu-user-static 7.2 ships them in
/// <c>/usr/lib/binfmt.d/qemu-*.conf</c>.
/// </summary>
internal static class QemuMagic
{
    private const string ElfHeaderMask64 = @"\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff";

    private static readonly Dictionary<string, (string Magic, string Mask)> Table = new(StringComparer.Ordinal)
    {
        ["qemu-aarch64"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00", ElfHeaderMask64),
        ["qemu-arm"] = (@"\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x28\x00", ElfHeaderMask64),
        ["qemu-riscv64"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00", ElfHeaderMask64),
        ["qemu-ppc64le"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x15\x00", @"\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\x00"),
        ["qemu-s390x"] = (@"\x7f\x45\x4c\x46\x02\x02\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x16", @"\xff\xff\xff\xff\xff\xff\xff\xfc\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff"),
        ["qemu-loongarch64"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x02\x01", @"\xff\xff\xff\xff\xff\xff\xff\xfc\x00\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"),
        ["qemu-mips64el"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x08\x00", @"\xff\xff\xff\xff\xff\xff\xff\x00\xfe\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"),
        ["qemu-x86_64"] = (@"\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00", @"\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"),
        ["qemu-i386"] = (@"\x7f\x45\x4c\x46\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00", @"\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"),
    };

    /// <summary>Builds the registration line for an emulator and its interpreter.</summary>
    /// <param name="qemuName">The entry name, such as <c>qemu-aarch64</c>.</param>
    /// <param name="interpreter">The interpreter's path.</param>
    /// <param name="flags">The flags; <c>F</c> is what makes the emulator usable in containers.</param>
    /// <returns>The line to write to <c>register</c>, or <see langword="null"/> for an unknown emulator.</returns>
    public static string? Registration(string qemuName, string interpreter, string flags) =>
        Table.TryGetValue(qemuName, out var entry) ? $":{qemuName}:M::{entry.Magic}:{entry.Mask}:{interpreter}:{flags}" : null;

    /// <summary>Turns a <c>\xNN</c>-escaped magic or mask into the lower-case hex the kernel lists.</summary>
    /// <param name="escaped">The escaped bytes.</param>
    /// <returns>The hex.</returns>
    public static string ToHex(string escaped) => escaped.Replace(@"\x", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>Gets the magic and mask of an emulator.</summary>
    /// <param name="qemuName">The entry name.</param>
    /// <returns>The escaped magic and mask, or <see langword="null"/>.</returns>
    public static (string Magic, string Mask)? For(string qemuName) => Table.TryGetValue(qemuName, out var entry) ? entry : null;
}
