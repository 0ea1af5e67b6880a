using System.Text;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Qemu;

/// <summary>
/// Registers QEMU user-mode emulators in binfmt_misc, idempotently: reads the table, changes only
/// what is missing, re-reads it to prove the change, and never touches entries it was not asked
/// about.
/// </summary>
public sealed class RegisterQemuRunner : DockerRunner<RegisterQemuSettings>
{
    private readonly IProcessRunner _processRunner;

    /// <summary>Initializes a new instance of the <see cref="RegisterQemuRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public RegisterQemuRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _processRunner = processRunner;
    }

    /// <summary>Gets or sets how the kernel release is read (a seam for tests of the version check).</summary>
    internal Func<string?> KernelRelease { get; set; } = () =>
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;

    /// <summary>Gets or sets the host platform (a seam for tests).</summary>
    internal Platform HostPlatform { get; set; } = Platform.Host;

    /// <inheritdoc />
    protected override string AliasName => "RegisterQemu";

    /// <summary>Registers what is missing and reports every wanted platform.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The per-platform result.</returns>
    /// <exception cref="CakeException">A preflight check failed, or a platform is still missing afterwards.</exception>
    public RegisterQemuResult Run(RegisterQemuSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Preflight(settings);
        var wanted = (settings.Platforms.Count == 0 ? Platform.Supported.Where(p => p.Variant is null or "v7") : settings.Platforms).Distinct().ToArray();
        var emulated = wanted.Where(p => !IsNative(p)).ToArray();

        EnsureMounted(settings);
        var table = BinfmtTable.Read(settings.BinfmtMiscPath);
        if (!table.Enabled)
        {
            throw new CakeException($"RegisterQemu: binfmt_misc at '{settings.BinfmtMiscPath}' is disabled (status is not 'enabled'); enable it: echo 1 > {settings.BinfmtMiscPath}/status");
        }

        var before = table;
        if (settings.Reset)
        {
            var names = settings.ResetAllQemu
                ? table.Entries.Keys.Where(n => n.StartsWith("qemu-", StringComparison.Ordinal))
                : emulated.Select(p => p.Info.QemuName).Distinct().Where(table.Entries.ContainsKey);
            foreach (var name in names.ToArray())
            {
                Log.Information("RegisterQemu: removing binfmt_misc entry '{0}' (Reset).", name);
                WriteKernel(Path.Combine(settings.BinfmtMiscPath, name), "-1", $"remove entry '{name}'");
            }

            table = BinfmtTable.Read(settings.BinfmtMiscPath);
            before = table; // what Reset removed counts as registered now
        }

        var missing = emulated.Where(p => !IsReady(table, p)).ToArray();
        if (missing.Length == 0)
        {
            Log.Information("RegisterQemu: every wanted platform already has an enabled binfmt_misc entry with the F flag: nothing to do.");
            return Report(wanted, before, table);
        }

        Log.Information("RegisterQemu: registering {0} ({1} mode)…", PlatformList.Format(missing), settings.Mode.ToString().ToLowerInvariant());
        var output = settings.Mode == QemuRegistrationMode.Host ? RegisterOnHost(settings, table, missing) : RegisterWithContainer(settings, missing);

        var after = BinfmtTable.Read(settings.BinfmtMiscPath);
        var result = Report(wanted, before, after);
        var failed = result.Platforms.Where(p => p.State == QemuPlatformState.Failed).ToArray();
        if (failed.Length > 0)
        {
            var said = output.Count == 0 ? string.Empty : " The installer said:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, output.Where(l => l.Length > 0).TakeLast(ErrorTailLines).Select(l => "  " + l));
            throw new CakeException(
                $"RegisterQemu: {string.Join(", ", failed.Select(f => $"{f.Platform} ({f.EntryName})"))} {(failed.Length == 1 ? "is" : "are")} still not registered with the F flag after the {settings.Mode.ToString().ToLowerInvariant()} registration.{said}");
        }

        return result;
    }

    private bool IsNative(Platform platform) =>
        platform.Info.QemuName == HostPlatform.Info.QemuName || (HostPlatform.Architecture == "amd64" && platform.Architecture == "386");

    private static bool IsReady(BinfmtTable table, Platform platform) =>
        table.Entries.TryGetValue(platform.Info.QemuName, out var entry) && entry.Enabled && entry.FixBinary;

    private RegisterQemuResult Report(IReadOnlyList<Platform> wanted, BinfmtTable before, BinfmtTable after)
    {
        var lines = wanted.Select(p =>
        {
            if (IsNative(p))
            {
                return new QemuPlatformStatus(p, QemuPlatformState.Native, null, null, null);
            }

            var name = p.Info.QemuName;
            after.Entries.TryGetValue(name, out var entry);
            var state = !IsReady(after, p) ? QemuPlatformState.Failed
                : IsReady(before, p) && before.Entries[name] == entry ? QemuPlatformState.AlreadyRegistered
                : QemuPlatformState.RegisteredNow;
            return new QemuPlatformStatus(p, state, name, entry?.Interpreter, entry?.Flags);
        }).ToArray();

        Log.Information("RegisterQemu: {0,-16} {1,-18} {2,-16} {3,-6} {4}", "PLATFORM", "STATE", "ENTRY", "FLAGS", "INTERPRETER");
        foreach (var line in lines)
        {
            Log.Information("RegisterQemu: {0,-16} {1,-18} {2,-16} {3,-6} {4}", line.Platform, line.State, line.EntryName ?? "-", line.Flags ?? "-", line.Interpreter ?? "-");
        }

        return new RegisterQemuResult(lines);
    }

    private void Preflight(RegisterQemuSettings settings)
    {
        if (Environment.Platform.Family != PlatformFamily.Linux)
        {
            throw new CakeException($"RegisterQemu: this machine runs {Environment.Platform.Family}, not Linux; binfmt_misc is a Linux kernel feature. On Docker Desktop (macOS, Windows) QEMU emulation is already set up.");
        }

        var release = KernelRelease();
        if (release is not null && TryParseKernel(release) is { } version && version < new Version(4, 8))
        {
            throw new CakeException($"RegisterQemu: kernel {release} is older than 4.8 and has no binfmt_misc F (fix binary) flag, so emulators cannot run inside containers; upgrade the kernel (CentOS 7's 3.10 is too old) or build on native nodes (EnsureBuilder AppendNodes).");
        }

        if (settings.Mode == QemuRegistrationMode.Container && string.IsNullOrWhiteSpace(settings.Image))
        {
            throw new CakeException("RegisterQemu: Image is empty; expected an installer image such as 'tonistiigi/binfmt:latest' or a mirror of it.");
        }
    }

    internal static Version? TryParseKernel(string release)
    {
        var parts = release.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor) ? new Version(major, minor) : null;
    }

    private void EnsureMounted(RegisterQemuSettings settings)
    {
        if (BinfmtTable.IsMounted(settings.BinfmtMiscPath))
        {
            return;
        }

        Log.Information("RegisterQemu: binfmt_misc is not mounted at '{0}'; mounting it.", settings.BinfmtMiscPath);
        var errors = new List<string>();
        var process = _processRunner.Start(new FilePath("mount"), new ProcessSettings
        {
            Arguments = new ProcessArgumentBuilder().Append("-t").Append("binfmt_misc").Append("binfmt_misc").AppendQuoted(settings.BinfmtMiscPath),
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
        if (exitCode != 0 || !BinfmtTable.IsMounted(settings.BinfmtMiscPath))
        {
            throw new CakeException(
                $"RegisterQemu: binfmt_misc is not mounted at '{settings.BinfmtMiscPath}' and mounting it failed (exit code {exitCode}: {string.Join(" ", errors).Trim()}). Run the build as root, or mount it once: sudo mount -t binfmt_misc binfmt_misc {settings.BinfmtMiscPath}");
        }
    }

    private List<string> RegisterOnHost(RegisterQemuSettings settings, BinfmtTable table, IReadOnlyList<Platform> missing)
    {
        var done = new List<string>();
        foreach (var name in missing.Select(p => p.Info.QemuName).Distinct())
        {
            var platform = missing.First(p => p.Info.QemuName == name);
            var fields = HostRegistration(settings, platform).Split(':');
            if (!fields[7].Contains('F', StringComparison.Ordinal))
            {
                fields[7] += "F";
            }

            if (table.Entries.TryGetValue(name, out var existing))
            {
                // An entry without F (or disabled) cannot serve containers; it is replaced, as asked.
                Log.Information("RegisterQemu: replacing binfmt_misc entry '{0}' (flags '{1}', {2}) with one that has the F flag.", name, existing.Flags, existing.Enabled ? "enabled" : "disabled");
                WriteKernel(Path.Combine(settings.BinfmtMiscPath, name), "-1", $"remove entry '{name}'");
            }

            WriteKernel(Path.Combine(settings.BinfmtMiscPath, "register"), string.Join(':', fields), $"register '{name}'");
            done.Add($"registered {name} ({fields[6]})");
        }

        return done;
    }

    /// <summary>
    /// Finds the host's registration for a platform: Debian/Ubuntu's
    /// <c>/usr/lib/binfmt.d/qemu-NAME.conf</c>, Fedora's <c>qemu-NAME-static.conf</c>, or else a
    /// static interpreter (<c>/usr/bin/qemu-NAME-static</c>) with QEMU's own magic and mask.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platform">The platform.</param>
    /// <returns>The registration line (<c>:name:type:offset:magic:mask:interpreter:flags</c>).</returns>
    /// <exception cref="CakeException">The host has no emulator for the platform.</exception>
    internal static string HostRegistration(RegisterQemuSettings settings, Platform platform)
    {
        var name = platform.Info.QemuName;
        foreach (var conf in new[] { Path.Combine(settings.HostConfigDirectory, name + ".conf"), Path.Combine(settings.HostConfigDirectory, name + "-static.conf") }.Where(File.Exists))
        {
            var line = File.ReadAllLines(conf).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(':'))
                ?? throw new CakeException($"RegisterQemu: '{conf}' holds no registration line; expected ':name:type:offset:magic:mask:interpreter:flags'.");
            var fields = line.Split(':');
            if (fields.Length < 8)
            {
                throw new CakeException($"RegisterQemu: '{conf}' has a registration line with {fields.Length - 1} fields; expected ':name:type:offset:magic:mask:interpreter:flags'.");
            }

            if (!File.Exists(fields[6]))
            {
                throw new CakeException($"RegisterQemu: no QEMU interpreter for {platform} on this host: '{fields[6]}' (named by '{conf}') does not exist. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static).");
            }

            // The kernel takes the name from the line; keep ours so that the table check finds it.
            fields[1] = name;
            return string.Join(':', fields);
        }

        var interpreter = Path.Combine(settings.HostInterpreterDirectory, name + "-static");
        if (File.Exists(interpreter) && QemuMagic.Registration(name, interpreter, "OCF") is { } registration)
        {
            return registration;
        }

        throw new CakeException($"RegisterQemu: no QEMU interpreter for {platform} on this host: no '{Path.Combine(settings.HostConfigDirectory, name + ".conf")}' and no '{interpreter}'. Install the static emulators (Debian/Ubuntu: apt-get install qemu-user-static; Fedora: dnf install qemu-user-static), or use container mode.");
    }

    private List<string> RegisterWithContainer(RegisterQemuSettings settings, IReadOnlyList<Platform> missing)
    {
        var args = new ProcessArgumentBuilder().Append("run").Append("--privileged").Append("--rm").AppendQuoted(settings.Image);
        if (settings.InstallerStyle == QemuInstallerStyle.QemuUserStatic)
        {
            args.Append("--reset").Append("-p").Append("yes").Append("--credential").Append("yes");
        }
        else
        {
            args.Append("--install").Append(string.Join(',', missing.Select(p => p.Info.BinfmtName).Distinct()));
        }

        var result = RunDocker(settings, args, new DockerRunOptions("docker run " + settings.Image));
        return result.Output.Concat(result.Errors).ToList();
    }

    private static void WriteKernel(string path, string text, string what)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            var bytes = Encoding.ASCII.GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush();
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CakeException($"RegisterQemu: not privileged to {what}: writing '{path}' was refused ({ex.Message}). Run the build as root (or with CAP_SYS_ADMIN), or use container mode with a privileged docker engine.");
        }
        catch (IOException ex)
        {
            throw new CakeException($"RegisterQemu: the kernel refused to {what}: writing '{text}' to '{path}' failed ({ex.Message}).");
        }
    }
}
