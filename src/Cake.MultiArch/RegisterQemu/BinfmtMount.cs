using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>Mounts binfmt_misc where RegisterQemu needs it, refusing to hide anything a folder holds.</summary>
/// <param name="host">The host's kernel access (the mount command).</param>
/// <param name="processRunner">Runs mount.</param>
/// <param name="log">The log.</param>
internal sealed class BinfmtMount(BinfmtHost host, IProcessRunner processRunner, ICakeLog log)
{
    /// <summary>Returns when binfmt_misc is mounted at <see cref="RegisterQemuSettings.BinfmtMiscPath"/>, mounting it first where the settings allow.</summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="CakeException">It is not mounted and may not or could not be (the folder, what is in it, and mount's own words).</exception>
    public void Ensure(RegisterQemuSettings settings)
    {
        var path = settings.BinfmtMiscPath;
        if (BinfmtTable.IsMounted(path))
        {
            return;
        }

        var isKernelMountPoint = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) == BinfmtTable.DefaultPath;
        if (!isKernelMountPoint && !settings.MountBinfmtMisc)
        {
            throw new CakeException($"RegisterQemu: binfmt_misc is not mounted at BinfmtMiscPath '{path}'; expected a mounted binfmt_misc (its 'status' and 'register' files), found {(Directory.Exists(path) ? "an ordinary folder" : "no such folder")}. Point BinfmtMiscPath at the mounted table (default {BinfmtTable.DefaultPath}), or set MountBinfmtMisc = true to mount binfmt_misc on an empty folder there.");
        }

        if (!Directory.Exists(path))
        {
            throw new CakeException($"RegisterQemu: binfmt_misc is not mounted at BinfmtMiscPath '{path}' and the folder does not exist; expected an existing empty folder to mount it on. Create it (mkdir -p {path}) or point BinfmtMiscPath at the mounted table.");
        }

        var present = Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).Take(4).ToArray();
        if (!isKernelMountPoint && present.Length > 0)
        {
            throw new CakeException($"RegisterQemu: BinfmtMiscPath '{path}' is not empty; expected an empty folder to mount binfmt_misc on, found {string.Join(", ", present.Take(3).Select(n => $"'{n}'"))}{(present.Length > 3 ? ", …" : string.Empty)}. A mount would hide them: choose an empty folder, or the default {BinfmtTable.DefaultPath}.");
        }

        log.Information("RegisterQemu: binfmt_misc is not mounted at '{0}'; mounting it.", path);
        var errors = new List<string>();
        var process = processRunner.Start(new FilePath(host.MountCommand), new ProcessSettings
        {
            Arguments = new ProcessArgumentBuilder().Append("-t").Append("binfmt_misc").Append("binfmt_misc").AppendQuoted(path),
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectedStandardErrorHandler = line =>
            {
                if (line is not null)
                {
                    lock (errors)
                    {
                        errors.Add(line);
                    }
                }

                return line!;
            },
        });
        process.WaitForExit();
        var exitCode = process.GetExitCode();
        if (exitCode != 0 || !BinfmtTable.IsMounted(path))
        {
            throw new CakeException(
                $"RegisterQemu: binfmt_misc is not mounted at '{path}' and mounting it failed (exit code {exitCode}: {string.Join(" ", errors).Trim()}). Run the build as root, or mount it once: sudo mount -t binfmt_misc binfmt_misc {path}");
        }
    }
}
