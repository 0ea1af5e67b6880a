namespace Cake.MultiArch.VerifyManifest.Tree;

/// <summary>
/// The merged file tree of one platform's image (its layers applied in order, whiteouts and
/// opaque directories honoured), with path resolution the way the kernel does it inside the
/// container: symlinks followed (absolute ones from the image root), <c>..</c> never leaving the
/// root, at most 40 links per lookup.
/// </summary>
internal sealed class ImageTree
{
    private const int MaxLinks = 40;

    /// <summary>Gets the root directory.</summary>
    public TreeNode Root { get; } = new(string.Empty, null);

    /// <summary>Gets the layer digests, base layer first (a node's <see cref="TreeNode.Layer"/> indexes it).</summary>
    public List<string> Layers { get; } = [];

    /// <summary>Gets the paths a whiteout or an opaque directory deleted, with the index of the layer that deleted them.</summary>
    public Dictionary<string, int> Deleted { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the digest of the layer that wrote a node.</summary>
    /// <param name="node">The node.</param>
    /// <returns>The digest, or an empty string for a directory no layer declared.</returns>
    public string LayerOf(TreeNode node) => node.Layer >= 0 && node.Layer < Layers.Count ? Layers[node.Layer] : string.Empty;

    /// <summary>Splits a path into its components, dropping empty ones and <c>.</c>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The components (<c>..</c> kept: resolution decides what it means).</returns>
    public static List<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();

    /// <summary>Cleans a path lexically, as a tar entry name: <c>..</c> stops at the root.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The components of the clean path.</returns>
    public static List<string> Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in Split(path))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else
            {
                parts.Add(part);
            }
        }

        return parts;
    }

    /// <summary>Resolves a path inside the image.</summary>
    /// <param name="path">An absolute path, or one relative to <paramref name="from"/>.</param>
    /// <param name="followLast">Follow a symlink in the last component too.</param>
    /// <param name="from">The directory a relative path starts from (default: the root).</param>
    /// <returns>What the path leads to.</returns>
    public Resolution Resolve(string path, bool followLast = true, TreeNode? from = null)
    {
        var pending = new Stack<string>();
        PushReversed(pending, path);
        var current = path.StartsWith('/') ? Root : from ?? Root;
        var links = new List<string>();
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                current = current.Parent ?? Root;
                continue;
            }

            if (current.Kind != TreeNodeKind.Directory)
            {
                return new Resolution(null, links, $"{current.Path} is not a directory");
            }

            var child = current.Child(part);
            if (child is null)
            {
                var missing = current.Path.TrimEnd('/') + "/" + part;
                return new Resolution(null, links, $"{missing} does not exist");
            }

            if (child.Kind == TreeNodeKind.Symlink && (pending.Count > 0 || followLast))
            {
                if (links.Count >= MaxLinks)
                {
                    return new Resolution(null, links, $"more than {MaxLinks} symlinks (a loop?) at {child.Path}");
                }

                var target = child.LinkTarget ?? string.Empty;
                links.Add($"{child.Path} -> {target}");
                if (target.StartsWith('/'))
                {
                    current = Root;
                }

                PushReversed(pending, target);
                continue;
            }

            current = child;
        }

        return new Resolution(current, links, null);
    }

    private static void PushReversed(Stack<string> pending, string path)
    {
        var parts = Split(path);
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}

/// <summary>The outcome of resolving a path in the image.</summary>
/// <param name="Node">What it leads to, or <see langword="null"/>.</param>
/// <param name="Links">The symlinks followed on the way, as <c>link -> target</c>.</param>
/// <param name="Error">Why it leads nowhere, or <see langword="null"/>.</param>
internal sealed record Resolution(TreeNode? Node, IReadOnlyList<string> Links, string? Error);
