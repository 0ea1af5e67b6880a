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

    // The current entry's path components, as ranges of its name (reused for every entry).
    private readonly List<Range> _parts = [];

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

        if (Place(entry, layer) is { } file)
        {
            await FillAsync(file.Node, entry, file.Linked, file.LoaderConfig, cancellationToken).ConfigureAwait(false);
        }
    }

    // Puts the entry in the tree: a directory or a whiteout is done here; for anything else the
    // node is (re)made and returned with what FillAsync needs. Components are ranges of the
    // entry's name, so an entry allocates nothing here unless it adds a node.
    private (TreeNode Node, TreeNode? Linked, bool LoaderConfig)? Place(TarEntry entry, int layer)
    {
        var path = entry.Name;
        ImageTree.Clean(path, _parts);
        if (_parts.Count == 0)
        {
            if (entry.EntryType == TarEntryType.Directory)
            {
                Tree.Root.Mode = entry.Mode;
            }

            return null;
        }

        var name = path.AsSpan(_parts[^1]);
        var parent = Parent(path, layer);
        if (ApplyWhiteout(parent, name, layer))
        {
            return null;
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
            return null;
        }

        var loaderConfig = IsLoaderConfig(path, _parts);
        TreeNode? linked = null;
        if (entry.EntryType == TarEntryType.HardLink)
        {
            var target = ImageTree.CleanPath(entry.LinkName);
            linked = target == "/" ? null : Tree.Resolve(target, followLast: false).Node;
        }

        if (existing is not null)
        {
            parent.Remove(name);
        }

        var file = parent.GetOrAdd(name, layer);
        file.Layer = layer;
        file.Mode = entry.Mode;
        return (file, linked, loaderConfig);
    }

    // A whiteout entry (OCI image-spec layer.md): .wh..wh..opq hides what lower layers put in its
    // directory, .wh.NAME deletes NAME from lower layers. Returns whether the entry was one.
    private bool ApplyWhiteout(TreeNode parent, ReadOnlySpan<char> name, int layer)
    {
        if (name is OpaqueMarker)
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
    private async Task FillAsync(TreeNode file, TarEntry entry, TreeNode? linked, bool loaderConfig, CancellationToken cancellationToken)
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
                file.Content = await ReadContentAsync(entry, file, loaderConfig, cancellationToken).ConfigureAwait(false);
                break;
            default:
                file.Kind = TreeNodeKind.Other;
                break;
        }
    }

    // The directory an entry lands in (its components in _parts): intermediate components are
    // made as needed, and a symlink among them is followed inside the image (as containerd's apply does).
    private TreeNode Parent(string path, int layer)
    {
        var current = Tree.Root;
        for (var i = 0; i < _parts.Count - 1; i++)
        {
            var part = path.AsSpan(_parts[i]);
            var child = current.GetOrAdd(part, layer);
            if (child.Kind == TreeNodeKind.Symlink && Tree.Resolve(child.Path) is { Node: { Kind: TreeNodeKind.Directory } target })
            {
                child = target;
            }
            else if (child.Kind != TreeNodeKind.Directory)
            {
                current.Remove(part);
                child = current.GetOrAdd(part, layer);
            }

            child.Layer = Math.Max(child.Layer, layer); // touched by this layer: an opaque marker of an ancestor keeps it
            current = child;
        }

        return current;
    }

    private void HideLower(TreeNode directory, int layer)
    {
        foreach (var child in directory.Children.ToArray())
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

    private async Task<FileContent?> ReadContentAsync(TarEntry entry, TreeNode file, bool config, CancellationToken cancellationToken)
    {
        if (entry.DataStream is null || entry.Length < 4)
        {
            return null;
        }

        if (!(file.IsExecutable || LooksLikeLibrary(file.Name) || config))
        {
            return null;
        }

        _reader.Reset(entry.DataStream, entry.Length);
        try
        {
            await _reader.FillPrefixAsync(Math.Min(entry.Length, config ? TextLimit : 256), cancellationToken).ConfigureAwait(false);
            if (ElfHeader.TryRead(_reader.Prefix.AsSpan(0, _reader.Filled), out var header))
            {
                return new FileContent(await ElfReader.ReadAsync(_reader, header, cancellationToken).ConfigureAwait(false), null, null);
            }

            return ReadText(_reader.Prefix.AsSpan(0, _reader.Filled), config);
        }
        finally
        {
            _reader.Release();
        }
    }

    // A script's #! line, or the text of a loader configuration file; null for anything else.
    private static FileContent? ReadText(ReadOnlySpan<byte> head, bool config)
    {
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
    internal static bool LooksLikeLibrary(ReadOnlySpan<char> name) =>
        name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal);

    private static bool IsLoaderConfig(string path, List<Range> parts)
    {
        if (parts.Count is not (2 or 3) || path.AsSpan(parts[0]) is not "etc")
        {
            return false;
        }

        var second = path.AsSpan(parts[1]);
        return parts.Count == 2
            ? second is "ld.so.conf" || (second.StartsWith("ld-musl-", StringComparison.Ordinal) && second.EndsWith(".path", StringComparison.Ordinal))
            : second is "ld.so.conf.d" && path.AsSpan(parts[2]).EndsWith(".conf", StringComparison.Ordinal);
    }
}
