using System.Diagnostics;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// A machine-wide lock around RegisterQemu's read → write of the binfmt_misc table, so that two
/// builds started at once (two <c>dotnet cake</c> runs, two CI jobs on one runner) do not both
/// find an entry missing and race to register it. It is an exclusive <c>flock</c> on a lock file
/// (what .NET takes for <see cref="FileShare.None"/> on Linux), so the kernel releases it when
/// the process ends, even when killed: a crashed build never leaves a stale lock.
/// </summary>
internal sealed class BinfmtLock : IDisposable
{
    private readonly FileStream _stream;

    private BinfmtLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Gets the default lock file: <c>/run/lock/cake-multiarch-binfmt_misc.lock</c>, or the temp folder where there is no <c>/run/lock</c>.</summary>
    public static string DefaultPath =>
        Directory.Exists("/run/lock") ? "/run/lock/cake-multiarch-binfmt_misc.lock" : Path.Combine(Path.GetTempPath(), "cake-multiarch-binfmt_misc.lock");

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/> for another run to release it.</summary>
    /// <param name="path">The lock file (created when missing, never deleted).</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="log">Where to say that this run waits.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="CakeException">The lock file cannot be created, or another run held the lock for longer than <paramref name="timeout"/>.</exception>
    public static BinfmtLock Acquire(string path, TimeSpan timeout, ICakeLog log)
    {
        var clock = Stopwatch.StartNew();
        var waiting = false;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new BinfmtLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new CakeException($"RegisterQemu: cannot open the lock file '{path}' ({ex.Message}); expected a writable lock file that serialises concurrent runs. Run the build as root, or make '{Path.GetDirectoryName(path)}' writable for this user.");
            }
            catch (IOException ex) when (ex is not DirectoryNotFoundException)
            {
                if (clock.Elapsed >= timeout)
                {
                    throw new CakeException($"RegisterQemu: another run held the binfmt_misc lock '{path}' for longer than {timeout.TotalSeconds:0} s; expected it to finish registering. Look for a hung build or installer container (ps aux | grep -i binfmt), then run again.");
                }

                if (!waiting)
                {
                    log.Information("RegisterQemu: another run is changing binfmt_misc (lock '{0}'); waiting up to {1:0} s…", path, timeout.TotalSeconds);
                    waiting = true;
                }

                Thread.Sleep(100);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
