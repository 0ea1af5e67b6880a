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

    // The components still to walk (the string, start, length): one stack for every resolution of this tree.
    private readonly Stack<(string Text, int Start, int Length)> _pending = new();

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

    /// <summary>Cleans a path lexically, as a tar entry name: <c>..</c> stops at the root, empty components and <c>.</c> go.</summary>
    /// <param name="path">The path.</param>
    /// <param name="parts">Receives the ranges of <paramref name="path"/> that are the clean path's components (cleared first; a list the caller reuses, so a layer's entries allocate nothing here).</param>
    public static void Clean(string path, List<Range> parts)
    {
        parts.Clear();
        var start = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                continue;
            }

            var part = path.AsSpan(start, i - start);
            if (part is "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part.Length > 0 && part is not ".")
            {
                parts.Add(new Range(start, i));
            }

            start = i + 1;
        }
    }

    /// <summary>Cleans a path lexically into an absolute path (<c>a/../b</c> is <c>/b</c>).</summary>
    /// <param name="path">The path.</param>
    /// <returns>The clean path, <c>/</c> for the root.</returns>
    public static string CleanPath(string path)
    {
        var parts = new List<Range>();
        Clean(path, parts);
        return "/" + string.Join('/', parts.Select(p => path[p]));
    }

    /// <summary>Resolves a path inside the image. The tree is built and read by one task at a time: resolutions share a work stack.</summary>
    /// <param name="path">An absolute path, or one relative to <paramref name="from"/>.</param>
    /// <param name="followLast">Follow a symlink in the last component too.</param>
    /// <param name="from">The directory a relative path starts from (default: the root).</param>
    /// <returns>What the path leads to.</returns>
    public Resolution Resolve(string path, bool followLast = true, TreeNode? from = null) => Resolve(path, 0, path.Length, followLast, from);

    /// <summary>Resolves a part of a string as a path inside the image (a directory of <c>PATH</c>, without a string of its own).</summary>
    /// <param name="text">The string.</param>
    /// <param name="start">Where the path starts in it.</param>
    /// <param name="end">Where the path ends (exclusive).</param>
    /// <param name="followLast">Follow a symlink in the last component too.</param>
    /// <param name="from">The directory a relative path starts from (default: the root).</param>
    /// <returns>What the path leads to.</returns>
    public Resolution Resolve(string text, int start, int end, bool followLast = true, TreeNode? from = null)
    {
        _pending.Clear();
        PushReversed(text, start, end);
        var current = end > start && text[start] == '/' ? Root : from ?? Root;
        List<TreeNode>? links = null;
        while (_pending.TryPop(out var item))
        {
            var part = item.Text.AsSpan(item.Start, item.Length);
            if (part is "..")
            {
                current = current.Parent ?? Root;
                continue;
            }

            if (current.Kind != TreeNodeKind.Directory)
            {
                return new Resolution(null, links, ResolutionFailure.NotADirectory, current, default);
            }

            var child = current.Child(part);
            if (child is null)
            {
                return new Resolution(null, links, ResolutionFailure.Missing, current, item.Text.AsMemory(item.Start, item.Length));
            }

            if (child.Kind == TreeNodeKind.Symlink && (_pending.Count > 0 || followLast))
            {
                links ??= [];
                if (links.Count >= MaxLinks)
                {
                    return new Resolution(null, links, ResolutionFailure.TooManyLinks, child, default);
                }

                links.Add(child);
                var target = child.LinkTarget ?? string.Empty;
                if (target.StartsWith('/'))
                {
                    current = Root;
                }

                PushReversed(target, 0, target.Length);
                continue;
            }

            current = child;
        }

        return new Resolution(current, links, ResolutionFailure.None, null, default);
    }

    // The components of a path, last first, onto the work stack (empty ones and . skipped).
    private void PushReversed(string path, int from, int to)
    {
        var end = to;
        for (var i = to - 1; i >= from - 1; i--)
        {
            if (i >= from && path[i] != '/')
            {
                continue;
            }

            var start = i + 1;
            if (end > start && !(end - start == 1 && path[start] == '.'))
            {
                _pending.Push((path, start, end - start));
            }

            end = i;
        }
    }
}

/// <summary>Why a path leads nowhere.</summary>
internal enum ResolutionFailure
{
    /// <summary>It leads somewhere.</summary>
    None,

    /// <summary>A component is not a directory.</summary>
    NotADirectory,

    /// <summary>A component does not exist.</summary>
    Missing,

    /// <summary>More than 40 symlinks were followed.</summary>
    TooManyLinks,
}

/// <summary>
/// The outcome of resolving a path in the image. The texts (<see cref="Links"/>, <see cref="Error"/>)
/// are made when read, so the many lookups the checks make that find nothing or follow a link cost
/// no strings.
/// </summary>
internal readonly struct Resolution
{
    private const int MaxLinks = 40;
    private readonly List<TreeNode>? _links;
    private readonly ResolutionFailure _failure;
    private readonly TreeNode? _at;
    private readonly ReadOnlyMemory<char> _missing;

    /// <summary>Initializes a new instance of the <see cref="Resolution"/> struct.</summary>
    /// <param name="node">What the path leads to, or <see langword="null"/>.</param>
    /// <param name="links">The symlinks followed on the way.</param>
    /// <param name="failure">Why it leads nowhere.</param>
    /// <param name="at">The directory that is not one or lacks the component, or the symlink where the link limit was hit.</param>
    /// <param name="missing">The component that does not exist.</param>
    public Resolution(TreeNode? node, List<TreeNode>? links, ResolutionFailure failure, TreeNode? at, ReadOnlyMemory<char> missing)
    {
        Node = node;
        _links = links;
        _failure = failure;
        _at = at;
        _missing = missing;
    }

    /// <summary>Gets what the path leads to, or <see langword="null"/>.</summary>
    public TreeNode? Node { get; }

    /// <summary>Gets the symlinks followed on the way, as <c>link -> target</c>.</summary>
    public IReadOnlyList<string> Links => _links is null ? [] : _links.Select(l => $"{l.Path} -> {l.LinkTarget ?? string.Empty}").ToArray();

    /// <summary>Gets why the path leads nowhere, or <see langword="null"/>.</summary>
    public string? Error => _failure switch
    {
        ResolutionFailure.NotADirectory => $"{_at!.Path} is not a directory",
        ResolutionFailure.Missing => $"{_at!.Path.TrimEnd('/')}/{_missing} does not exist",
        ResolutionFailure.TooManyLinks => $"more than {MaxLinks} symlinks (a loop?) at {_at!.Path}",
        _ => null,
    };
}
