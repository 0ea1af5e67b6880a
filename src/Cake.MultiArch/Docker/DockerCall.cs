using Cake.Core.IO;

namespace Cake.MultiArch.Docker;

/// <summary>
/// Runs one docker command the way the calling runner does (its docker executable, client
/// configuration, daemon, environment and error texts); the shared probes are handed one.
/// </summary>
/// <param name="arguments">The arguments.</param>
/// <param name="options">How to treat the call.</param>
/// <returns>The exit code and what docker printed.</returns>
internal delegate DockerRunResult DockerCall(ProcessArgumentBuilder arguments, DockerRunOptions options);
