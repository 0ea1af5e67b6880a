using System.Collections.Concurrent;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The tool locator a docker runner resolves docker through. Cake's tool resolution globs
/// <c>./tools/**/docker</c> on every call (the whole tools folder: its addins and the script cache
/// included) before it looks on PATH, and one docker run asks it up to four times (the identity the
/// probes are kept under, the not-found check, and Cake's own <c>Tool.Run</c>); this keeps each
/// answer for the runner's life, one alias call, so that the walk happens once per call.
/// </summary>
/// <param name="inner">Cake's tool locator.</param>
internal sealed class ToolLocatorOnce(IToolLocator inner) : IToolLocator
{
    private readonly ConcurrentDictionary<string, FilePath?> _resolved = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void RegisterFile(FilePath path)
    {
        _resolved.Clear(); // a tool registered now may answer a name resolved before
        inner.RegisterFile(path);
    }

    /// <inheritdoc />
    public FilePath Resolve(string tool) => _resolved.GetOrAdd(tool, inner.Resolve)!;

    /// <inheritdoc />
    public FilePath Resolve(IEnumerable<string> toolExeNames)
    {
        var names = toolExeNames.ToArray();
        return _resolved.GetOrAdd(string.Join('\0', names), _ => inner.Resolve(names))!;
    }
}
