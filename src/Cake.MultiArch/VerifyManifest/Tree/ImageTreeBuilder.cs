using System.Formats.Tar;
using System.Text;
using Cake.MultiArch.VerifyManifest.Elf;

namespace Cake.MultiArch.VerifyManifest.Tree;

/// <summary>
/// Builds an <see cref="ImageTree"/> from a platform's layers, streamed one after the other: only
/// tar headers and the first bytes of executables, libraries and the loader's configuration
/// are read (more of an ELF file, within the <see cref="ForwardReader"/> limits), so memory grows
/// with the number of files, never with their size. Layer rules (OCI image-spec
/// <c>layer.md</c>): <c>.wh.NAME</c> deletes NAME from lower layers, <c>.wh..wh..opq</c> hides
/// everything lower layers put in its directory, a hard link shares its target's facts, and a
/// path whose parent is a symlink lands where the symlink points, inside the image.
/// </summary>
internal sealed class ImageTreeBuilder
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const int TextLimit = 4096;

    private readonly ForwardReader _reader;

    /// <summary>Initializes a new instance of the <see cref="ImageTreeBuilder"/> class.</summary>
    /// <param name="reader">The per-file reader (its limits bound the memory).</param>
    public ImageTreeBuilder(ForwardReader? reader = null)
    {
        _reader = reader ?? new ForwardReader();
    }

    /// <summary>Gets the tree built so far.</summary>
    public ImageTree Tree { get; } = new();

    /// <summary>Gets how many compressed bytes were read.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Applies the next layer.</summary>
    /// <param name="blob">The layer's bytes as served (read to the end, so a digest-checking stream can verify).</param>
    /// <param name="mediaType">The layer's media type (it says the compression).</param>
    /// <param name="digest">The layer's digest, for the report.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task.</returns>
    public async Task ApplyLayerAsync(Stream blob, string? mediaType, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var layer = Tree.Layers.Count;
        Tree.Layers.Add(digest);
        var counting = new LayerScanner.CountingStream(blob);
        var decompressed = LayerScanner.Decompress(counting, mediaType);
        await using (decompressed.ConfigureAwait(false))
        {
            var reader = new TarReader(decompressed, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    await ApplyEntryAsync(entry, layer, cancellationToken).ConfigureAwait(false);
                }
            }

            await LayerScanner.DrainAsync(decompressed, cancellationToken).ConfigureAwait(false);
        }

        await LayerScanner.DrainAsync(counting, cancellationToken).ConfigureAwait(false);
        BytesRead += counting.Count;
    }

    private async Task ApplyEntryAsync(TarEntry entry, int layer, CancellationToken cancellationToken)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
        {
            return; // pax_global_header: metadata, not a path
        }

        var parts = ImageTree.Clean(entry.Name);
        if (parts.Count == 0)
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                Tree.Root.Mode = entry.Mode;
            }

            return;
        }

        var name = parts[^1];
        var parent = Parent(parts, layer);
        if (ApplyWhiteout(parent, name, layer))
        {
            return;
        }

        var existing = parent.Child(name);
        if (entry.EntryType == TarEntryType.Directory)
        {
            if (existing is { Kind: not TreeNodeKind.Directory })
            {
                parent.Remove(name);
            }

            var directory = parent.GetOrAdd(name, layer);
            directory.Mode = entry.Mode;
            directory.Layer = layer;
            return;
        }

        TreeNode? linked = null;
        if (entry.EntryType == TarEntryType.HardLink)
        {
            var target = ImageTree.Clean(entry.LinkName);
            linked = target.Count == 0 ? null : Tree.Resolve("/" + string.Join('/', target), followLast: false).Node;
        }

        if (existing is not null)
        {
            parent.Remove(name);
        }

        var file = parent.GetOrAdd(name, layer);
        file.Layer = layer;
        file.Mode = entry.Mode;
        await FillAsync(file, entry, linked, parts, cancellationToken).ConfigureAwait(false);
    }

    // A whiteout entry (OCI image-spec layer.md): .wh..wh..opq hides what lower layers put in its
    // directory, .wh.NAME deletes NAME from lower layers. Returns whether the entry was one.
    private bool ApplyWhiteout(TreeNode parent, string name, int layer)
    {
        if (name == OpaqueMarker)
        {
            HideLower(parent, layer);
            return true;
        }

        if (!name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hidden = name[WhiteoutPrefix.Length..];
        if (!name.StartsWith(WhiteoutPrefix + WhiteoutPrefix, StringComparison.Ordinal) && parent.Child(hidden) is { } node && node.Layer < layer)
        {
            Tree.Deleted[node.Path] = layer;
            parent.Remove(hidden);
        }

        return true;
    }

    // What a non-directory entry is: a hard link shares its target's facts, a symlink its target
    // path, a regular file what its first bytes say.
    private async Task FillAsync(TreeNode file, TarEntry entry, TreeNode? linked, List<string> parts, CancellationToken cancellationToken)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.HardLink:
                file.Kind = linked?.Kind is TreeNodeKind.Directory or null ? TreeNodeKind.File : linked.Kind;
                file.Mode = linked?.Mode ?? entry.Mode;
                file.LinkTarget = linked?.LinkTarget;
                file.Content = linked?.Content;
                break;
            case TarEntryType.SymbolicLink:
                file.Kind = TreeNodeKind.Symlink;
                file.LinkTarget = entry.LinkName;
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                file.Kind = TreeNodeKind.File;
                file.Content = await ReadContentAsync(entry, file, parts, cancellationToken).ConfigureAwait(false);
                break;
            default:
                file.Kind = TreeNodeKind.Other;
                break;
        }
    }

    // The directory an entry lands in: intermediate components are made as needed, and a
    // symlink among them is followed inside the image (as containerd's apply does).
    private TreeNode Parent(List<string> parts, int layer)
    {
        var current = Tree.Root;
        for (var i = 0; i < parts.Count - 1; i++)
        {
            var child = current.GetOrAdd(parts[i], layer);
            if (child.Kind == TreeNodeKind.Symlink && Tree.Resolve(child.Path) is { Node: { Kind: TreeNodeKind.Directory } target })
            {
                child = target;
            }
            else if (child.Kind != TreeNodeKind.Directory)
            {
                current.Remove(parts[i]);
                child = current.GetOrAdd(parts[i], layer);
            }

            child.Layer = Math.Max(child.Layer, layer); // touched by this layer: an opaque marker of an ancestor keeps it
            current = child;
        }

        return current;
    }

    private void HideLower(TreeNode directory, int layer)
    {
        if (directory.Children is null)
        {
            return;
        }

        foreach (var child in directory.Children.Values.ToArray())
        {
            if (child.Layer < layer)
            {
                Tree.Deleted[child.Path] = layer;
                directory.Remove(child.Name);
            }
            else if (child.Kind == TreeNodeKind.Directory)
            {
                HideLower(child, layer);
            }
        }
    }

    private async Task<FileContent?> ReadContentAsync(TarEntry entry, TreeNode file, List<string> parts, CancellationToken cancellationToken)
    {
        if (entry.DataStream is null || entry.Length < 4)
        {
            return null;
        }

        var config = IsLoaderConfig(parts);
        if (!(file.IsExecutable || LooksLikeLibrary(file.Name) || config))
        {
            return null;
        }

        _reader.Reset(entry.DataStream, entry.Length);
        await _reader.FillPrefixAsync(Math.Min(entry.Length, config ? TextLimit : 256), cancellationToken).ConfigureAwait(false);
        var head = _reader.Prefix.AsSpan(0, _reader.Filled);
        if (ElfHeader.TryRead(head, out var header))
        {
            return new FileContent(await ElfReader.ReadAsync(_reader, header, cancellationToken).ConfigureAwait(false), null, null);
        }

        if (head.StartsWith("#!"u8))
        {
            var end = head.IndexOf((byte)'\n');
            // As the kernel reads it: spaces and tabs around it go, a carriage return stays (CRLF files).
            return new FileContent(null, Encoding.UTF8.GetString(head[2..(end < 0 ? head.Length : end)]).Trim(' ', '\t'), null);
        }

        return config ? new FileContent(null, null, Encoding.UTF8.GetString(head)) : null;
    }

    /// <summary>Gets whether a file name is a shared library's (<c>libc.so.6</c>, <c>libfoo.so</c>).</summary>
    /// <param name="name">The file name.</param>
    /// <returns><see langword="true"/> for a library name.</returns>
    internal static bool LooksLikeLibrary(string name) =>
        name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal);

    private static bool IsLoaderConfig(List<string> parts) =>
        parts.Count >= 2 && parts[0] == "etc" && (
            (parts.Count == 2 && (parts[1] == "ld.so.conf" || (parts[1].StartsWith("ld-musl-", StringComparison.Ordinal) && parts[1].EndsWith(".path", StringComparison.Ordinal))))
            || (parts.Count == 3 && parts[1] == "ld.so.conf.d" && parts[2].EndsWith(".conf", StringComparison.Ordinal)));
}
