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

    private static void WriteFile(string path, string text)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var bytes = Encoding.ASCII.GetBytes(text);
        stream.Write(bytes, 0, bytes.Length);
        stream.Flush();
    }
}
