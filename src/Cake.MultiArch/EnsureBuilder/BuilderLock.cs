using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>
/// A cross-process lock around "inspect, then create" of one builder: a lock file per
/// <c>DOCKER_CONFIG</c> and builder name in the temp folder, opened with <see cref="FileShare.None"/>
/// (an exclusive <c>flock</c> on Linux), so two <c>dotnet cake</c> runs on one machine never both
/// find the builder missing and both create it.
/// </summary>
internal sealed class BuilderLock : IDisposable
{
    private readonly FileStream _stream;

    private BuilderLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>Gets the lock file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the lock file for a docker configuration folder and a builder.</summary>
    /// <param name="dockerConfig">The full path of the docker configuration folder.</param>
    /// <param name="builder">The builder's name (buildx compares names without case).</param>
    /// <returns>The path.</returns>
    public static string PathFor(string dockerConfig, string builder)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dockerConfig)))[..16];
        return System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cake-multiarch-locks", $"{hash}-{builder.ToLowerInvariant()}.lock");
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/> for another holder.</summary>
    /// <param name="dockerConfig">The full path of the docker configuration folder.</param>
    /// <param name="builder">The builder's name.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="log">The log (one line when it has to wait).</param>
    /// <returns>The held lock; dispose it to release.</returns>
    /// <exception cref="CakeException">Another holder kept it longer than <paramref name="timeout"/>.</exception>
    public static BuilderLock Acquire(string dockerConfig, string builder, TimeSpan timeout, ICakeLog log)
    {
        var path = PathFor(dockerConfig, builder);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var clock = Stopwatch.StartNew();
        var said = false;
        while (true)
        {
            try
            {
                return new BuilderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                if (!said)
                {
                    log.Information("EnsureBuilder: another run is setting up builder '{0}' (lock file {1}); waiting up to {2}.", builder, path, timeout);
                    said = true;
                }

                Thread.Sleep(100);
            }
            catch (IOException ex)
            {
                throw new CakeException($"EnsureBuilder: could not lock builder '{builder}' within {timeout} (LockTimeout); expected the other run holding '{path}' to finish, found it still holding the lock ({ex.Message}). Wait for that run, or raise LockTimeout.");
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
