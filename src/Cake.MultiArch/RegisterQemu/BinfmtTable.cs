using Cake.Core;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>One binfmt_misc registration, as the kernel lists it in <c>/proc/sys/fs/binfmt_misc/NAME</c>.</summary>
/// <param name="Name">The entry's name, such as <c>qemu-aarch64</c>.</param>
/// <param name="Enabled">Whether the entry is enabled.</param>
/// <param name="Interpreter">The interpreter path.</param>
/// <param name="Flags">The flags, such as <c>POF</c> (empty on older kernels that print an empty <c>flags:</c> line).</param>
/// <param name="Offset">The magic's offset, or <see langword="null"/> for extension entries.</param>
/// <param name="Magic">The magic bytes in hex, or <see langword="null"/>.</param>
/// <param name="Mask">The mask bytes in hex, or <see langword="null"/>.</param>
/// <param name="Extension">The file extension, for extension entries, or <see langword="null"/>.</param>
internal sealed record BinfmtEntry(string Name, bool Enabled, string? Interpreter, string Flags, int? Offset, string? Magic, string? Mask, string? Extension)
{
    /// <summary>Gets a value indicating whether the interpreter is opened at registration (<c>F</c>, fix binary): what makes an emulator usable inside containers and chroots.</summary>
    public bool FixBinary => Flags.Contains('F', StringComparison.Ordinal);

    /// <summary>Parses an entry file. Any text parses (unknown lines are ignored, missing ones are <see langword="null"/>); only <see langword="null"/> arguments throw.</summary>
    /// <param name="name">The entry's file name.</param>
    /// <param name="text">The file's text.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="text"/> is <see langword="null"/>.</exception>
    public static BinfmtEntry Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        bool enabled = false;
        string? interpreter = null, magic = null, mask = null, extension = null;
        var flags = string.Empty;
        int? offset = null;
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (line == "enabled")
            {
                enabled = true;
            }
            else if (line.StartsWith("interpreter ", StringComparison.Ordinal))
            {
                interpreter = line["interpreter ".Length..];
            }
            else if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                flags = line["flags:".Length..].Trim();
            }
            else if (line.StartsWith("offset ", StringComparison.Ordinal) && int.TryParse(line["offset ".Length..], out var o))
            {
                offset = o;
            }
            else if (line.StartsWith("magic ", StringComparison.Ordinal))
            {
                magic = line["magic ".Length..];
            }
            else if (line.StartsWith("mask ", StringComparison.Ordinal))
            {
                mask = line["mask ".Length..];
            }
            else if (line.StartsWith("extension ", StringComparison.Ordinal))
            {
                extension = line["extension ".Length..];
            }
        }

        return new BinfmtEntry(name, enabled, interpreter, flags, offset, magic, mask, extension);
    }
}

/// <summary>The binfmt_misc table: whether it is enabled and its entries.</summary>
/// <param name="Path">The folder it was read from.</param>
/// <param name="Enabled">The <c>status</c> file says <c>enabled</c>.</param>
/// <param name="Entries">The entries, by name.</param>
internal sealed record BinfmtTable(string Path, bool Enabled, IReadOnlyDictionary<string, BinfmtEntry> Entries)
{
    /// <summary>The folder where the kernel mounts binfmt_misc.</summary>
    public const string DefaultPath = "/proc/sys/fs/binfmt_misc";

    /// <summary>Gets whether a binfmt_misc file system is mounted at the path (its <c>status</c> file exists).</summary>
    /// <param name="path">The folder.</param>
    /// <returns><see langword="true"/> when mounted.</returns>
    public static bool IsMounted(string path) => !string.IsNullOrEmpty(path) && File.Exists(System.IO.Path.Combine(path, "status"));

    /// <summary>Reads the table.</summary>
    /// <param name="path">The folder, usually <see cref="DefaultPath"/>.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CakeException">binfmt_misc is not mounted there.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/> or empty.</exception>
    public static BinfmtTable Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsMounted(path))
        {
            throw new CakeException($"RegisterQemu: binfmt_misc is not mounted at '{path}'; expected its 'status' and 'register' files. Mount it: mount -t binfmt_misc binfmt_misc {path}");
        }

        var entries = new Dictionary<string, BinfmtEntry>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(path))
        {
            var name = System.IO.Path.GetFileName(file);
            if (name is "status" or "register")
            {
                continue;
            }

            try
            {
                entries[name] = BinfmtEntry.Parse(name, File.ReadAllText(file));
            }
            catch (FileNotFoundException)
            {
                // removed while we listed
            }
        }

        var status = File.ReadAllText(System.IO.Path.Combine(path, "status")).Trim();
        return new BinfmtTable(path, status == "enabled", entries);
    }
}
