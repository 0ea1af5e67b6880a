using System.Collections.Concurrent;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The tool locator a docker runner resolves docker through. Cake's tool resolution globs
/// <c>./tools/**/docker</c> on every call (the whole tools folder: its addins and the script cache
/// included) before it looks on PATH, and one docker run asks it up to four times (the identity the
/// probes are kept under, the not-found check, and Cake's own <c>Tool.Run</c>); this keeps each
/// answer for the runner's life, one alias call, so that the walk happens once per call. Two threads
/// asking for the same name at once share one walk: the second waits for the first's answer (a
/// build looks docker up on another thread while it checks its Dockerfile, see
/// <see cref="DockerRunner{TSettings}.LookUpDockerEarly"/>).
/// </summary>
/// <param name="inner">Cake's tool locator.</param>
internal sealed class ToolLocatorOnce(IToolLocator inner) : IToolLocator
{
    private readonly ConcurrentDictionary<string, Lazy<FilePath?>> _resolved = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void RegisterFile(FilePath path)
    {
        _resolved.Clear(); // a tool registered now may answer a name resolved before
        inner.RegisterFile(path);
    }

    /// <inheritdoc />
    public FilePath Resolve(string tool) => Once(tool, () => inner.Resolve(tool))!;

    /// <inheritdoc />
    public FilePath Resolve(IEnumerable<string> toolExeNames)
    {
        var names = toolExeNames.ToArray();
        return Once(string.Join('\0', names), () => inner.Resolve(names))!;
    }

    // GetOrAdd may make two Lazy values in a race, but only the one stored is ever evaluated.
    private FilePath? Once(string key, Func<FilePath?> resolve) =>
        _resolved.GetOrAdd(key, _ => new Lazy<FilePath?>(resolve, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
