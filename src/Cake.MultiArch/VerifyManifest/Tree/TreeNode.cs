using System.Collections;
using Cake.MultiArch.VerifyManifest.Elf;

namespace Cake.MultiArch.VerifyManifest.Tree;

/// <summary>What a path in the merged image is.</summary>
internal enum TreeNodeKind
{
    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A regular file (a hard link is one too, sharing its target's facts).</summary>
    File,

    /// <summary>A symbolic link.</summary>
    Symlink,

    /// <summary>A device, FIFO or anything else that is neither.</summary>
    Other,
}

/// <summary>
/// One path of the merged image, from the tar headers alone: kind, mode, link target, the layer
/// that wrote it, and for executables and libraries what their first bytes say (ELF details or
/// the <c>#!</c> line). Nothing of a file's data is kept beyond that.
/// </summary>
internal sealed class TreeNode
{
    /// <summary>Initializes a new instance of the <see cref="TreeNode"/> class.</summary>
    /// <param name="name">The last path component (empty for the root).</param>
    /// <param name="parent">The directory holding it (<see langword="null"/> for the root).</param>
    public TreeNode(string name, TreeNode? parent)
    {
        Name = name;
        Parent = parent;
    }

    /// <summary>Gets the last path component.</summary>
    public string Name { get; }

    /// <summary>Gets the directory holding this node.</summary>
    public TreeNode? Parent { get; }

    /// <summary>Gets or sets what this node is.</summary>
    public TreeNodeKind Kind { get; set; } = TreeNodeKind.Directory;

    /// <summary>Gets or sets the permission bits.</summary>
    public UnixFileMode Mode { get; set; }

    /// <summary>Gets or sets the symlink target, as written in the layer.</summary>
    public string? LinkTarget { get; set; }

    /// <summary>Gets or sets the index of the layer that wrote this node (0 = the base layer).</summary>
    public int Layer { get; set; }

    /// <summary>Gets or sets what the file's first bytes say (ELF, script, text), or <see langword="null"/> when they were not read.</summary>
    public FileContent? Content { get; set; }

    // A directory's children: one in _only (most directories of an image's deeper levels hold a
    // few entries, many hold one), a dictionary by name from the second on.
    private TreeNode? _only;
    private Dictionary<string, TreeNode>? _many;

    /// <summary>Gets the children of a directory (enumerated without allocating).</summary>
    public TreeChildren Children => new(_only, _many);

    /// <summary>Gets a value indicating whether any child was ever added (and the node not turned into a file since).</summary>
    public bool HasChildren => _only is not null || _many is not null;

    /// <summary>Gets a value indicating whether any execute bit is set.</summary>
    public bool IsExecutable => (Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Gets the node's absolute path in the image.</summary>
    public string Path
    {
        get
        {
            if (Parent is null)
            {
                return "/";
            }

            var length = 0;
            for (var node = this; node.Parent is not null; node = node.Parent)
            {
                length += node.Name.Length + 1;
            }

            return string.Create(length, this, static (span, leaf) =>
            {
                var end = span.Length;
                for (var node = leaf; node.Parent is not null; node = node.Parent)
                {
                    end -= node.Name.Length;
                    node.Name.CopyTo(span[end..]);
                    span[--end] = '/';
                }
            });
        }
    }

    /// <summary>Gets the child of that name, or <see langword="null"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The child.</returns>
    public TreeNode? Child(ReadOnlySpan<char> name) =>
        _many is not null ? (_many.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var child) ? child : null)
        : _only is not null && name.SequenceEqual(_only.Name) ? _only
        : null;

    /// <summary>Gets the child of that name, made as a directory when missing (only then is the name copied into a string).</summary>
    /// <param name="name">The name.</param>
    /// <param name="layer">The layer making it.</param>
    /// <returns>The child.</returns>
    public TreeNode GetOrAdd(ReadOnlySpan<char> name, int layer)
    {
        if (Child(name) is { } existing)
        {
            return existing;
        }

        var child = new TreeNode(name.ToString(), this) { Layer = layer, Mode = (UnixFileMode)0b111_101_101 };
        if (_many is null && _only is null)
        {
            _only = child;
            return child;
        }

        if (_many is null)
        {
            _many = new Dictionary<string, TreeNode>(StringComparer.Ordinal) { [_only!.Name] = _only };
            _only = null;
        }

        _many[child.Name] = child;
        return child;
    }

    /// <summary>Removes a child and everything under it.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Remove(ReadOnlySpan<char> name)
    {
        if (_many is not null)
        {
            return _many.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name);
        }

        if (_only is null || !name.SequenceEqual(_only.Name))
        {
            return false;
        }

        _only = null;
        return true;
    }

    /// <summary>Turns this node into something other than a directory, dropping its children.</summary>
    public void DropChildren() => (_only, _many) = (null, null);

    /// <summary>Every node under this one, depth first (children in no particular order).</summary>
    /// <returns>The nodes.</returns>
    public IEnumerable<TreeNode> Descendants()
    {
        var stack = new Stack<TreeNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var child in node.Children)
            {
                yield return child;
                stack.Push(child);
            }
        }
    }
}

/// <summary>The children of a directory node, enumerated without allocating (a struct enumerator).</summary>
/// <param name="only">The one child, when there is one and never were more.</param>
/// <param name="many">The children by name, once there were two.</param>
internal readonly struct TreeChildren(TreeNode? only, Dictionary<string, TreeNode>? many) : IEnumerable<TreeNode>
{
    /// <summary>Gets how many children there are.</summary>
    public int Count => many?.Count ?? (only is null ? 0 : 1);

    /// <summary>Gets the enumerator.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(only, many);

    /// <inheritdoc />
    IEnumerator<TreeNode> IEnumerable<TreeNode>.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Enumerates the children.</summary>
    internal struct Enumerator : IEnumerator<TreeNode>
    {
        private readonly TreeNode? _only;
        private readonly bool _hasMany;
        private Dictionary<string, TreeNode>.ValueCollection.Enumerator _many;
        private bool _started;

        /// <summary>Initializes a new instance of the <see cref="Enumerator"/> struct.</summary>
        /// <param name="only">The one child.</param>
        /// <param name="many">The children by name.</param>
        public Enumerator(TreeNode? only, Dictionary<string, TreeNode>? many)
        {
            _only = only;
            _hasMany = many is not null;
            _many = many is null ? default : many.Values.GetEnumerator();
            _started = false;
            Current = null!;
        }

        /// <inheritdoc />
        public TreeNode Current { get; private set; }

        /// <inheritdoc />
        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext()
        {
            if (_hasMany)
            {
                var moved = _many.MoveNext();
                Current = moved ? _many.Current : null!;
                return moved;
            }

            if (_started || _only is null)
            {
                return false;
            }

            _started = true;
            Current = _only;
            return true;
        }

        /// <inheritdoc />
        public readonly void Reset() => throw new NotSupportedException();

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}

/// <summary>What a file's first bytes say.</summary>
/// <param name="Elf">The ELF details, for an ELF file.</param>
/// <param name="Shebang">The <c>#!</c> line without <c>#!</c>, for a script.</param>
/// <param name="Text">The text of a small configuration file the checks read (<c>/etc/ld.so.conf</c> and its folder).</param>
internal sealed record FileContent(ElfDetails? Elf, string? Shebang, string? Text);
