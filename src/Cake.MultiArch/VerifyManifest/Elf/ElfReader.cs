using System.Buffers.Binary;
using System.Text;

namespace Cake.MultiArch.VerifyManifest.Elf;

/// <summary>
/// Reads <see cref="ElfDetails"/> from a forward-only stream (a tar entry of a layer being
/// streamed): the header and program headers at the start, the loader path, the dynamic
/// section wherever it is, its string table from the retained prefix of the file, and for
/// 32-bit ARM the section headers and <c>.ARM.attributes</c> from the tail. Memory is bounded by
/// the <see cref="ForwardReader"/> limits, whatever the file's size; what lies beyond the limits is
/// reported in <see cref="ElfDetails.Unread"/>, never guessed.
/// </summary>
internal static class ElfReader
{
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;
    private const uint ShtArmAttributes = 0x70000003;

    /// <summary>Reads the details of one ELF file; a malformed one is reported in <see cref="ElfDetails.Unread"/>, never thrown.</summary>
    /// <param name="reader">The file, positioned where the caller left it (its first bytes already in the prefix).</param>
    /// <param name="header">The file's identifying header.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The details (partial, with <see cref="ElfDetails.Unread"/> set, when the file is truncated or past the limits).</returns>
    public static async Task<ElfDetails> ReadAsync(ForwardReader reader, ElfHeader header, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadCoreAsync(reader, header, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return new ElfDetails { Header = header, Unread = "malformed ELF file" };
        }
    }

    private static async Task<ElfDetails> ReadCoreAsync(ForwardReader reader, ElfHeader header, CancellationToken cancellationToken)
    {
        if (!await reader.FillPrefixAsync(header.Is64Bit ? 64 : 52, cancellationToken).ConfigureAwait(false))
        {
            return new ElfDetails { Header = header, Unread = "truncated ELF header" };
        }

        var layout = Layout.Read(reader.Prefix, header);
        var segments = await ReadSegmentsAsync(reader, layout, cancellationToken).ConfigureAwait(false);
        if (segments is null)
        {
            return new ElfDetails { Header = header, Type = layout.Type, Flags = layout.Flags, Unread = "program headers out of reach" };
        }

        string? unread = null;
        string? interpreter = null;
        if (segments.Interp is { } interp)
        {
            var bytes = await reader.ReadAtAsync((long)interp.Offset, (int)Math.Min(interp.Size, 4096), cancellationToken).ConfigureAwait(false);
            if (bytes is not { } path)
            {
                unread = "PT_INTERP out of reach";
            }
            else
            {
                interpreter = CString(path.Span, 0);
            }
        }

        var dynamic = segments.Dynamic is { } d ? await ReadDynamicAsync(reader, layout, segments.Loads, d, cancellationToken).ConfigureAwait(false) : null;
        unread ??= dynamic?.Unread;
        var (cpuArch, vfpArgs) = await ReadArmAttributesAsync(reader, header, layout, cancellationToken).ConfigureAwait(false);
        return new ElfDetails
        {
            Header = header,
            Type = layout.Type,
            Flags = layout.Flags,
            Interpreter = interpreter,
            IsDynamic = segments.Dynamic is not null,
            Needed = dynamic?.Needed ?? [],
            RunPaths = dynamic?.RunPaths ?? [],
            ArmCpuArch = cpuArch,
            ArmVfpArgs = vfpArgs,
            Unread = unread,
        };
    }

    // The program headers: the PT_LOAD segments (to map addresses to file offsets), PT_INTERP and PT_DYNAMIC.
    private static async Task<Segments?> ReadSegmentsAsync(ForwardReader reader, Layout layout, CancellationToken cancellationToken)
    {
        var (is64, little, phentsize) = (layout.Is64, layout.Little, layout.Phentsize);
        var segments = new Segments();
        if (layout.Phnum == 0 || phentsize < (is64 ? 56 : 32))
        {
            return segments;
        }

        var phEnd = layout.Phoff + ((ulong)phentsize * layout.Phnum);
        var table = await reader.ReadAtAsync((long)Math.Min(layout.Phoff, long.MaxValue), (int)Math.Min(phEnd - layout.Phoff, (ulong)reader.ItemLimit), cancellationToken).ConfigureAwait(false);
        if (table is not { } rows)
        {
            return null;
        }

        for (var i = 0; (i + 1) * phentsize <= rows.Length; i++)
        {
            var p = rows.Span[(i * phentsize)..];
            var ptype = U32(p, 0, little);
            var offset = is64 ? U64(p, 8, little) : U32(p, 4, little);
            var vaddr = is64 ? U64(p, 16, little) : U32(p, 8, little);
            var filesz = is64 ? U64(p, 32, little) : U32(p, 16, little);
            switch (ptype)
            {
                case PtLoad:
                    segments.Loads.Add((vaddr, offset, filesz));
                    break;
                case PtInterp:
                    segments.Interp = (offset, filesz);
                    break;
                case PtDynamic:
                    segments.Dynamic = (offset, filesz);
                    break;
            }
        }

        return segments;
    }

    // DT_NEEDED, DT_RPATH and DT_RUNPATH, through the dynamic string table.
    private static async Task<DynamicSection> ReadDynamicAsync(ForwardReader reader, Layout layout, List<(ulong Vaddr, ulong Offset, ulong Size)> loads, (ulong Offset, ulong Size) d, CancellationToken cancellationToken)
    {
        var (is64, little) = (layout.Is64, layout.Little);
        var section = new DynamicSection();

        // The string table usually lies before the dynamic section, in the first PT_LOAD:
        // keep the prefix up to the dynamic section (within the limit) before skipping to it.
        await reader.FillPrefixAsync((long)Math.Min(d.Offset, (ulong)reader.PrefixLimit), cancellationToken).ConfigureAwait(false);
        var dyn = await reader.ReadAtAsync((long)d.Offset, (int)Math.Min(d.Size, (ulong)reader.ItemLimit), cancellationToken).ConfigureAwait(false);
        if (dyn is not { } entries)
        {
            section.Unread = "dynamic section out of reach";
            return section;
        }

        var entry = is64 ? 16 : 8;
        ulong? strtab = null;
        ulong strsz = 0;
        var neededOffsets = new List<ulong>();
        var pathOffsets = new List<ulong>();
        for (var at = 0; at + entry <= entries.Length; at += entry)
        {
            var tag = is64 ? (long)U64(entries.Span, at, little) : (int)U32(entries.Span, at, little);
            var value = is64 ? U64(entries.Span, at + 8, little) : U32(entries.Span, at + 4, little);
            if (tag == 0)
            {
                break;
            }

            switch (tag)
            {
                case 1: neededOffsets.Add(value); break;
                case 5: strtab = value; break;
                case 10: strsz = value; break;
                case 15 or 29: pathOffsets.Add(value); break;
            }
        }

        if (strtab is { } vaddr && (neededOffsets.Count > 0 || pathOffsets.Count > 0))
        {
            var load = loads.FirstOrDefault(l => vaddr >= l.Vaddr && vaddr < l.Vaddr + l.Size);
            var fileOffset = load.Size == 0 ? vaddr : load.Offset + (vaddr - load.Vaddr);
            var table = await reader.ReadAtAsync((long)fileOffset, (int)Math.Min(strsz, (ulong)reader.ItemLimit), cancellationToken).ConfigureAwait(false);
            if (table is not { } strings)
            {
                section.Unread = "dynamic string table out of reach";
            }
            else
            {
                foreach (var o in neededOffsets.Where(o => o < (ulong)strings.Length))
                {
                    section.Needed.Add(CString(strings.Span, (int)o));
                }

                foreach (var o in pathOffsets.Where(o => o < (ulong)strings.Length))
                {
                    section.RunPaths.AddRange(CString(strings.Span, (int)o).Split(':', StringSplitOptions.RemoveEmptyEntries));
                }
            }
        }

        return section;
    }

    // 32-bit ARM: Tag_CPU_arch and Tag_ABI_VFP_args from .ARM.attributes, found through the section headers at the tail.
    private static async Task<(int? CpuArch, int? VfpArgs)> ReadArmAttributesAsync(ForwardReader reader, ElfHeader header, Layout layout, CancellationToken cancellationToken)
    {
        var (little, shoff, shentsize, shnum) = (layout.Little, layout.Shoff, layout.Shentsize, layout.Shnum);
        if (!(header.Machine == 40 && !layout.Is64 && shnum > 0 && shentsize >= 40))
        {
            return (null, null);
        }

        var shEnd = shoff + ((ulong)shentsize * shnum);
        var sections = await reader.ReadAtAsync((long)shoff, (int)Math.Min(shEnd - shoff, (ulong)reader.ItemLimit), cancellationToken, fromTail: true).ConfigureAwait(false);
        (ulong Offset, ulong Size)? attributes = null;
        var table = sections ?? ReadOnlyMemory<byte>.Empty;
        for (var s = 0; (s + 1) * shentsize <= table.Length; s++)
        {
            if (U32(table.Span, (s * shentsize) + 4, little) == ShtArmAttributes)
            {
                attributes = (U32(table.Span, (s * shentsize) + 16, little), U32(table.Span, (s * shentsize) + 20, little));
            }
        }

        var bytes = attributes is { } a ? await reader.ReadAtAsync((long)a.Offset, (int)Math.Min(a.Size, (ulong)reader.ItemLimit), cancellationToken, fromTail: true).ConfigureAwait(false) : null;
        return bytes is { } found && ArmAttributes.TryRead(found.Span, little, out var arch, out var vfp) ? (arch, vfp ?? 0) : (null, null);
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at, bool little) => little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at, bool little) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at, bool little) => little ? BinaryPrimitives.ReadUInt64LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt64BigEndian(b[at..]);

    private static string CString(ReadOnlySpan<byte> bytes, int at)
    {
        var end = bytes[at..].IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes[at..] : bytes.Slice(at, end));
    }

    /// <summary>The ELF header fields the reader uses, at their offsets for the file's class and byte order.</summary>
    private readonly record struct Layout(bool Is64, bool Little, ushort Type, ulong Phoff, ulong Shoff, uint Flags, ushort Phentsize, ushort Phnum, ushort Shentsize, ushort Shnum)
    {
        public static Layout Read(byte[] eh, ElfHeader header)
        {
            var (is64, little) = (header.Is64Bit, header.IsLittleEndian);
            return new Layout(
                is64,
                little,
                U16(eh, 16, little),
                is64 ? U64(eh, 32, little) : U32(eh, 28, little),
                is64 ? U64(eh, 40, little) : U32(eh, 32, little),
                U32(eh, is64 ? 48 : 36, little),
                U16(eh, is64 ? 54 : 42, little),
                U16(eh, is64 ? 56 : 44, little),
                U16(eh, is64 ? 58 : 46, little),
                U16(eh, is64 ? 60 : 48, little));
        }
    }

    /// <summary>The segments the program headers list.</summary>
    private sealed class Segments
    {
        public List<(ulong Vaddr, ulong Offset, ulong Size)> Loads { get; } = [];

        public (ulong Offset, ulong Size)? Interp { get; set; }

        public (ulong Offset, ulong Size)? Dynamic { get; set; }
    }

    /// <summary>What the dynamic section names, or why it could not be read.</summary>
    private sealed class DynamicSection
    {
        public List<string> Needed { get; } = [];

        public List<string> RunPaths { get; } = [];

        public string? Unread { get; set; }
    }
}
