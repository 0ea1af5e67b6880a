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

    /// <summary>Gets the children of a directory, by name.</summary>
    public Dictionary<string, TreeNode>? Children { get; private set; }

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
        Children is not null && Children.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var child) ? child : null;

    /// <summary>Gets the child of that name, made as a directory when missing (only then is the name copied into a string).</summary>
    /// <param name="name">The name.</param>
    /// <param name="layer">The layer making it.</param>
    /// <returns>The child.</returns>
    public TreeNode GetOrAdd(ReadOnlySpan<char> name, int layer)
    {
        Children ??= new Dictionary<string, TreeNode>(StringComparer.Ordinal);
        var lookup = Children.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(name, out var child))
        {
            var text = name.ToString();
            child = new TreeNode(text, this) { Layer = layer, Mode = (UnixFileMode)0b111_101_101 };
            Children[text] = child;
        }

        return child;
    }

    /// <summary>Removes a child and everything under it.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when there was one.</returns>
    public bool Remove(ReadOnlySpan<char> name) => Children?.GetAlternateLookup<ReadOnlySpan<char>>().Remove(name) == true;

    /// <summary>Turns this node into something other than a directory, dropping its children.</summary>
    public void DropChildren() => Children = null;

    /// <summary>Every node under this one, depth first (children in no particular order).</summary>
    /// <returns>The nodes.</returns>
    public IEnumerable<TreeNode> Descendants()
    {
        var stack = new Stack<TreeNode>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.Children is null)
            {
                continue;
            }

            foreach (var child in node.Children.Values)
            {
                yield return child;
                stack.Push(child);
            }
        }
    }
}

/// <summary>What a file's first bytes say.</summary>
/// <param name="Elf">The ELF details, for an ELF file.</param>
/// <param name="Shebang">The <c>#!</c> line without <c>#!</c>, for a script.</param>
/// <param name="Text">The text of a small configuration file the checks read (<c>/etc/ld.so.conf</c> and its folder).</param>
internal sealed record FileContent(ElfDetails? Elf, string? Shebang, string? Text);
