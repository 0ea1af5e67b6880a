using System.Text;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>
/// What <see cref="RegisterQemuRunner"/> reads of and writes to this machine besides the binfmt_misc
/// table: the kernel release, the host platform, the mount program, the lock file and the kernel
/// writes. The defaults are the real ones; tests replace them (a fake kernel, a race hook).
/// </summary>
internal sealed class BinfmtHost
{
    /// <summary>Gets or sets how the kernel release is read (a seam for tests of the version check).</summary>
    public Func<string?> KernelRelease { get; set; } = () =>
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;

    /// <summary>Gets or sets the host platform (a seam for tests).</summary>
    public Platform HostPlatform { get; set; } = Platform.Host;

    /// <summary>Gets or sets the program that mounts binfmt_misc (a seam for tests).</summary>
    public string MountCommand { get; set; } = "mount";

    /// <summary>Gets or sets the lock file that serialises concurrent runs (a seam for tests).</summary>
    public string LockPath { get; set; } = BinfmtLock.DefaultPath;

    /// <summary>Gets or sets how long a run waits for another run's lock.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how text is written to a binfmt_misc file (a seam for tests: a fake kernel).</summary>
    public Action<string, string> KernelWrite { get; set; } = WriteFile;

    /// <summary>Gets or sets a hook called with the entry name just before host mode writes its registration (a seam for race tests).</summary>
    public Action<string>? BeforeRegister { get; set; }

    /// <summary>Gets or sets the self-test that runs the tiny programs through the kernel (a seam for tests).</summary>
    public QemuSelfTest SelfTest { get; set; } = new();

    /// <summary>
    /// Gets or sets how RegisterQemu tells that a folder is a mounted binfmt_misc (its fstype in
    /// <c>/proc/self/mountinfo</c>): only then does the self-test, which runs programs through the
    /// kernel, say anything about that table (a seam for tests).
    /// </summary>
    public Func<string, bool> IsKernelTable { get; set; } = IsBinfmtMount;

    /// <summary>Tells whether a folder is a mount of the binfmt_misc file system.</summary>
    /// <param name="path">The folder.</param>
    /// <returns><see langword="true"/> when <c>/proc/self/mountinfo</c> lists it with fstype <c>binfmt_misc</c>.</returns>
    internal static bool IsBinfmtMount(string path)
    {
        const string MountInfo = "/proc/self/mountinfo";
        if (!File.Exists(MountInfo))
        {
            return false;
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        return File.ReadLines(MountInfo).Select(l => l.Split(' ')).Any(f =>
            f.Length > 4 && f[4] == full && Array.IndexOf(f, "-") is var dash && dash > 0 && dash + 1 < f.Length && f[dash + 1] == "binfmt_misc");
    }

    private static void WriteFile(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var bytes = Encoding.ASCII.GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush();
    }
}
