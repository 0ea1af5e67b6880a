using System.Collections.Concurrent;
using Cake.Core.Diagnostics;

namespace Cake.MultiArch.Docker;

/// <summary>
/// The answers of the probes before a build (<c>docker buildx inspect</c>, <c>docker info</c>,
/// <c>docker buildx version</c>), kept for the rest of the process: the same question asked of the
/// same docker (see <see cref="DockerTarget.Identity"/>) runs docker once, and callers asking at
/// the same time wait for the one read. A read that fails is not kept. The aliases that change what
/// <c>docker buildx inspect</c> says (EnsureBuilder, RemoveBuilder, RegisterQemu) call
/// <see cref="ForgetBuilders"/>, so the next read asks docker again.
/// </summary>
internal sealed class ProbeCache
{
    private const string InspectKind = "inspect";

    private readonly ConcurrentDictionary<string, Lazy<object?>> _answers = new(StringComparer.Ordinal);

    /// <summary>Gets the cache of this process, which the aliases' runners share.</summary>
    public static ProbeCache Shared { get; } = new();

    /// <summary>Returns the kept answer to a question, or reads it (once, however many callers ask at the same time).</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="target">The docker asked; an <see cref="DockerTarget.Identity"/> of <see langword="null"/> is never cached.</param>
    /// <param name="kind">What is asked: <c>inspect</c>, <c>info</c>, <c>version</c>.</param>
    /// <param name="subject">The question's own input (the builder's name, the context), or <see langword="null"/>.</param>
    /// <param name="read">Asks docker.</param>
    /// <returns>The answer.</returns>
    public T Get<T>(DockerTarget target, string kind, string? subject, Func<T> read)
    {
        if (target.Identity is null)
        {
            return read();
        }

        var key = string.Join('\0', kind, subject ?? string.Empty, target.Identity);
        var mine = new Lazy<object?>(() => read(), LazyThreadSafetyMode.ExecutionAndPublication);
        var answer = _answers.GetOrAdd(key, mine);
        if (!ReferenceEquals(answer, mine))
        {
            target.Log.Verbose(
                "{0}: {1}: using the answer read earlier in this process (cached until an alias changes the builders; {2}).",
                target.Alias,
                Describe(kind, subject),
                target.Describe());
        }

        try
        {
            return (T)answer.Value!;
        }
        catch
        {
            _ = _answers.TryRemove(new KeyValuePair<string, Lazy<object?>>(key, answer)); // a failure is not an answer: the next caller asks again
            throw;
        }
    }

    /// <summary>Forgets every <c>docker buildx inspect</c> answer: a builder was created, changed, made current or removed, or emulators were registered.</summary>
    public void ForgetBuilders()
    {
        foreach (var key in _answers.Keys.Where(k => k.StartsWith(InspectKind + "\0", StringComparison.Ordinal)))
        {
            _ = _answers.TryRemove(key, out _);
        }
    }

    private static string Describe(string kind, string? subject) => kind switch
    {
        InspectKind => subject is null ? "docker buildx inspect" : $"docker buildx inspect {subject}",
        "info" => subject is null ? "docker info" : $"docker --context {subject} info",
        _ => $"docker buildx {kind}",
    };
}
