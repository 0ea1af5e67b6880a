using System.Diagnostics;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// The real parts tests/testbed/setup.sh provides (root, binfmt_misc, Debian's qemu-user-static,
/// an arm64 busybox, dockerd with a local installer image). A missing part skips the test with
/// the reason, except under CI=true, where it fails.
/// </summary>
internal static class TestBed
{
    public const string Binfmt = "/proc/sys/fs/binfmt_misc";

    public const string InstallerImage = "cake-multiarch/binfmt:test";

    public static string Root => Environment.GetEnvironmentVariable("TESTBED") is { Length: > 0 } path ? path : "/var/cache/cake-multiarch";

    public static string Arm64Busybox => Path.Combine(Root, "arm64", "bin", "busybox");

    public static void RequireKernel()
    {
        if (!OperatingSystem.IsLinux())
        {
            TestPaths.SkipOrFail("binfmt_misc needs Linux");
        }

        if (Environment.UserName != "root")
        {
            TestPaths.SkipOrFail("registering binfmt_misc entries needs root (run tests/testbed/setup.sh and the tests as root)");
        }

        if (!File.Exists(Path.Combine(Binfmt, "register")))
        {
            TestPaths.SkipOrFail($"binfmt_misc is not mounted at {Binfmt} (tests/testbed/setup.sh mounts it)");
        }

        if (!File.Exists("/usr/lib/binfmt.d/qemu-aarch64.conf"))
        {
            TestPaths.SkipOrFail("Debian's qemu-user-static is not installed (tests/testbed/setup.sh installs it)");
        }

        if (!File.Exists(Arm64Busybox))
        {
            TestPaths.SkipOrFail($"no arm64 busybox at {Arm64Busybox} (tests/testbed/setup.sh fetches busybox-static:arm64)");
        }
    }

    public static void RequireDocker()
    {
        var (code, output) = Run("docker", "image", "inspect", "--format", "{{.Id}}", InstallerImage);
        if (code != 0)
        {
            TestPaths.SkipOrFail($"dockerd with the local installer image {InstallerImage} is not available (tests/testbed/setup.sh starts dockerd and builds it): {output.Trim()}");
        }
    }

    /// <summary>Removes a binfmt_misc entry if present (test set-up on the test machine's kernel).</summary>
    public static void RemoveEntry(string name)
    {
        var path = Path.Combine(Binfmt, name);
        if (File.Exists(path))
        {
            File.WriteAllText(path, "-1");
        }
    }

    /// <summary>
    /// Writes an executable script and waits until it can be run. Writing an executable while
    /// another test forks can make exec fail with "Text file busy" (the child holds the write
    /// descriptor until its own exec); once one run succeeds, no process holds it any more.
    /// </summary>
    public static string WriteExecutable(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true })!;
                probe.StandardInput.Close();
                probe.WaitForExit();
                return path;
            }
            catch (System.ComponentModel.Win32Exception) when (attempt < 100)
            {
                Thread.Sleep(20);
            }
        }
    }

    public static (int ExitCode, string Output) Run(string file, params string[] arguments) =>
        RunIn(file, workingDirectory: null, new Dictionary<string, string>(), arguments);

    /// <summary>
    /// Runs a program and returns its exit code and everything it printed, in the test's own
    /// environment less CI (so that child tools behave as on a developer's machine), plus
    /// <paramref name="environment"/> and NO_COLOR (Cake colours its arguments otherwise).
    /// </summary>
    public static (int ExitCode, string Output) RunIn(string file, string? workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        RunIn(TimeSpan.FromMinutes(4), file, workingDirectory, environment, arguments);

    /// <summary>Runs a program as <see cref="RunIn(string, string?, IDictionary{string, string}, string[])"/> does, failing the test after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) RunIn(TimeSpan timeout, string file, string? workingDirectory, IDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("CI");
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', arguments)} did not finish in {timeout.TotalMinutes:0.#} minutes.");
            }

            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}

/// <summary>Tests that change the machine's binfmt_misc table run one at a time.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection : ICollectionFixture<RegistryBed>
{
}
