using Cake.Core;
using Cake.Core.IO;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The parts of a build's first use that <see cref="FirstUseRehearsal"/> can rehearse.</summary>
[Flags]
internal enum Rehearse
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The Dockerfile preflight (<see cref="PreflightRehearsal"/>).</summary>
    Preflight = 1,

    /// <summary>The verification that follows a push (<see cref="VerifyRehearsal"/>).</summary>
    Verification = 2,

    /// <summary>The summary of buildx's rawjson progress at the build's end (<see cref="ProgressRehearsal"/>).</summary>
    Progress = 4,
}

/// <summary>
/// Compiles ahead, on a thread-pool thread, the code a cold process's first build runs next. A
/// `dotnet cake` process JIT-compiles every method of the addin on first use (an x64 ReadyToRun
/// image would spare that, but an arm64 Cake refuses it: docs/benchmarks.md). BuildxBuild starts the
/// preflight's part as it begins, so that the Dockerfile check is compiled while the settings are
/// validated, and the progress summary's and the verification's once docker has started, so that
/// they are compiled while docker builds and leave the two cores of a small runner to the checks
/// and the docker lookup before it (docs/benchmarks.md, "The fifth pass"). Each part runs once per process,
/// on data held in memory: no socket, process, file or log (the verification's HTTP/1.1 connection
/// is a <see cref="Registry.MemoryConnection"/>); whatever a rehearsal throws is dropped, because it can
/// only ever cost the time it saves.
/// </summary>
internal static class FirstUseRehearsal
{
    private static int _started;

    /// <summary>Starts the parts not started before in this process.</summary>
    /// <param name="parts">The parts the build will run.</param>
    /// <param name="fileSystem">The file system (handed to the preflight, which does not touch it).</param>
    /// <param name="environment">The environment.</param>
    public static void StartOnce(Rehearse parts, IFileSystem fileSystem, ICakeEnvironment environment)
    {
        var before = (Rehearse)Interlocked.Or(ref _started, (int)parts);
        var now = parts & ~before;
        if (now == Rehearse.None)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                if (now.HasFlag(Rehearse.Preflight))
                {
                    _ = await PreflightRehearsal.CheckAsync(fileSystem, environment).ConfigureAwait(false);
                }

                if (now.HasFlag(Rehearse.Progress))
                {
                    _ = ProgressRehearsal.Summarize();
                }

                if (now.HasFlag(Rehearse.Verification))
                {
                    _ = await VerifyRehearsal.VerifyAsync().ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // A rehearsal that fails has compiled less; the real preflight and verification are unaffected.
            }
        });
    }
}
