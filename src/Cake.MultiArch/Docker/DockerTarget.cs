using Cake.Core.Diagnostics;

namespace Cake.MultiArch.Docker;

/// <summary>The docker a shared probe asks, as the calling runner runs it.</summary>
/// <param name="Run">Runs one docker command the way the calling runner does.</param>
/// <param name="Identity">
/// What decides the answer besides the question: the docker executable's full path and the
/// <c>DOCKER_HOST</c>, <c>DOCKER_CONTEXT</c>, <c>DOCKER_CONFIG</c>, <c>BUILDX_BUILDER</c> and
/// <c>BUILDX_CONFIG</c> the process sees; <see langword="null"/> when the answer must not be kept
/// (settings that rewrite the arguments).
/// </param>
/// <param name="Log">The calling runner's log.</param>
/// <param name="Alias">The calling alias, for messages.</param>
internal sealed record DockerTarget(DockerCall Run, string? Identity, ICakeLog Log, string Alias)
{
    /// <summary>The environment variables that choose the daemon, the client configuration and the builder.</summary>
    internal static readonly IReadOnlyList<string> IdentityVariables = ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "BUILDX_BUILDER", "BUILDX_CONFIG"];

    /// <summary>Makes the identity of a docker call.</summary>
    /// <param name="executable">The docker executable's full path.</param>
    /// <param name="variables">The value of each of <see cref="IdentityVariables"/> the process sees (a missing one is unset).</param>
    /// <returns>The identity.</returns>
    public static string MakeIdentity(string executable, IReadOnlyDictionary<string, string?> variables) =>
        string.Join('\n', IdentityVariables.Select(v => $"{v}={variables.GetValueOrDefault(v)}").Prepend(executable));

    /// <summary>Describes the identity for the log: the executable and the variables that are set.</summary>
    /// <returns>The description.</returns>
    public string Describe() =>
        Identity is null ? "not cached" : string.Join(", ", Identity.Split('\n').Where(p => !p.EndsWith('=')));
}
