using System.ComponentModel;
using System.Diagnostics;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

/// <summary>The answer of one program start: the exit code and output, or the errno of a refused <c>execve</c>.</summary>
/// <param name="ExitCode">The exit code, or <see langword="null"/> when it did not start or did not exit in time.</param>
/// <param name="Errno">The errno of a refused start (8 ENOEXEC, 2 ENOENT), or <see langword="null"/>.</param>
/// <param name="Output">Standard output and error.</param>
internal sealed record ExecAnswer(int? ExitCode, int? Errno, string Output);

/// <summary>
/// Runs the self-test programs (<see cref="SelfTestPrograms"/>) through the kernel and classifies
/// the answers. A collaborator of RegisterQemu and EnsureBuilder (which uses it to check the
/// platforms a builder lists). Each program is written to a fresh private folder (mode 0700,
/// file 0755) that is deleted afterwards; the runs of all platforms go in parallel.
/// </summary>
internal sealed class QemuSelfTest
{
    /// <summary>The errno of a start the kernel refuses because no handler matches (exec format error).</summary>
    public const int NoExec = 8;

    /// <summary>The errno of a start whose interpreter does not exist.</summary>
    public const int NoEntry = 2;

    /// <summary>Gets or sets the program that runs a program inside an empty root (coreutils <c>chroot</c>).</summary>
    public string ChrootCommand { get; set; } = "chroot";

    /// <summary>Gets or sets whether this process may chroot (it needs root).</summary>
    public Func<bool> IsRoot { get; set; } = () => System.Environment.IsPrivilegedProcess;

    /// <summary>Gets or sets how long one program may run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the programs by architecture (tests: the tagged programs only test entries match).</summary>
    public IReadOnlyDictionary<string, byte[]> Programs { get; set; } = SelfTestPrograms.ByArchitecture;

    /// <summary>Runs the programs of the platforms and classifies each answer.</summary>
    /// <param name="platforms">The platforms, each with whether the host should run it natively.</param>
    /// <param name="table">The binfmt_misc table (names the entry and its flags in the reasons), or <see langword="null"/>.</param>
    /// <returns>One result per platform, in order.</returns>
    public IReadOnlyList<QemuSelfTestResult> Run(IReadOnlyList<(Platform Platform, bool Emulated)> platforms, BinfmtTable? table)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        var folder = Directory.CreateTempSubdirectory("cake-multiarch-selftest-");
        try
        {
            var root = IsRoot();

            // Every program is written (and closed) before any is started: a file still open for
            // writing in one thread while another thread forks makes exec fail with ETXTBSY.
            var paths = platforms.Select(p => Write(folder.FullName, p.Platform)).ToArray();
            var tasks = platforms.Select((p, i) => Task.Run(() => Test(folder.FullName, paths[i], p.Platform, p.Emulated, table, root))).ToArray();
            Task.WaitAll(tasks);
            return tasks.Select(t => t.Result).ToArray();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Writes a platform's program into the folder, or returns <see langword="null"/> when there is none for it.</summary>
    private string? Write(string folder, Platform platform)
    {
        if (!Programs.TryGetValue(platform.Architecture, out var bytes))
        {
            return null;
        }

        var path = Path.Combine(folder, $"exit42-{platform.Architecture}-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return path;
    }

    private QemuSelfTestResult Test(string folder, string? path, Platform platform, bool emulated, BinfmtTable? table, bool root)
    {
        if (path is null)
        {
            return new QemuSelfTestResult { Platform = platform, Emulated = emulated, Reason = $"no self-test program for {platform}; it was not checked.", Fix = "Check it with a container: SelfTestImage." };
        }

        var name = Path.GetFileName(path);

        // As root the run inside an empty root comes first: exit 42 there also proves the host run
        // (one process fewer); only when it fails does the direct run classify why.
        var version = emulated ? Task.Run(() => Exec(path, [], version: true)) : null;
        var chroot = emulated && root ? Exec(ChrootCommand, [folder, "/" + name], version: false) : null;
        var direct = chroot?.ExitCode == SelfTestPrograms.ExitCode ? chroot : Exec(path, [], version: false);
        var entry = table?.Entries.GetValueOrDefault(platform.Info.QemuName);
        var result = QemuSelfTestVerdict.Classify(platform, emulated, entry, table?.Path ?? BinfmtTable.DefaultPath, direct, chroot);
        if (!result.Passed || version is null)
        {
            return result;
        }

        var answer = version.Result;
        var parsed = answer.ExitCode == 0 ? QemuKnownBad.ParseVersionLine(answer.Output) : null;
        if (parsed is null)
        {
            return result with { Reason = result.Reason + " The emulator is not a QEMU that answers QEMU_VERSION (version unknown)." };
        }

        var tonistiigi = parsed.Value.Text.Contains("(v", StringComparison.Ordinal);
        return result with { QemuVersion = parsed.Value.Text, Warnings = QemuKnownBad.Warnings(parsed.Value.Version, tonistiigi, platform) };
    }

    /// <summary>Starts a program directly (<c>execve</c>, no shell) and waits for it.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="version">Whether to set <c>QEMU_VERSION=1</c> (QEMU then prints its version and exits 0).</param>
    /// <returns>The answer.</returns>
    internal ExecAnswer Exec(string file, IReadOnlyList<string> arguments, bool version)
    {
        // Another thread of this process (Cake's or a test host's) that forks while it holds a file
        // open for writing makes exec fail with ETXTBSY ("Text file busy") for a moment: try again.
        var answer = ExecOnce(file, arguments, version);
        for (var attempt = 1; attempt < 5 && IsTextFileBusy(answer); attempt++)
        {
            Thread.Sleep(20 * attempt);
            answer = ExecOnce(file, arguments, version);
        }

        return answer;
    }

    private static bool IsTextFileBusy(ExecAnswer answer) =>
        answer.Errno == TextFileBusy || (answer.ExitCode == 126 && answer.Output.Contains("Text file busy", StringComparison.Ordinal));

    /// <summary>ETXTBSY on Linux.</summary>
    private const int TextFileBusy = 26;

    private ExecAnswer ExecOnce(string file, IReadOnlyList<string> arguments, bool version)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("QEMU_VERSION");
        if (version)
        {
            start.Environment["QEMU_VERSION"] = "1";
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return new ExecAnswer(null, null, $"did not exit within {Timeout.TotalSeconds:0} s");
            }

            return new ExecAnswer(process.ExitCode, null, (output.Result + error.Result).Trim());
        }
        catch (Win32Exception ex)
        {
            return new ExecAnswer(null, ex.NativeErrorCode, ex.Message);
        }
    }
}
