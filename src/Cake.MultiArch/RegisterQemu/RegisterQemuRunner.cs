using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.RegisterQemu;

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
        : this(fileSystem, environment, processRunner, tools, log, new BinfmtHost())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RegisterQemuRunner"/> class with a host of the caller's (tests: a fake kernel, a lock file, a race hook).</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="host">What the runner reads of and writes to this machine besides the table.</param>
    internal RegisterQemuRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, BinfmtHost host)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _processRunner = processRunner;
        Host = host ?? throw new ArgumentNullException(nameof(host));
    }

    /// <summary>Gets what the runner reads of and writes to this machine besides the table (replaced by tests).</summary>
    internal BinfmtHost Host { get; }

    /// <inheritdoc />
    private protected override string AliasName => "RegisterQemu";

    /// <summary>Registers what is missing and reports every wanted platform.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The per-platform result.</returns>
    /// <exception cref="CakeException">
    /// A preflight check failed (invalid settings, not Linux, kernel too old, binfmt_misc not
    /// mountable), an existing entry differs from the wanted registration and <see cref="RegisterQemuSettings.Reset"/>
    /// is not set, or a platform is still missing afterwards.
    /// </exception>
    public RegisterQemuResult Run(RegisterQemuSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Preflight(settings);
        var all = settings.Platforms.Count == 0;
        var wanted = (all ? Platform.Supported.Where(p => p.Variant is null or "v7") : settings.Platforms).Distinct().ToArray();
        var emulated = wanted.Where(p => !IsNative(p)).ToArray();
        if (all)
        {
            Log.Information("RegisterQemu: Platforms is empty: checking every platform the addin knows that this host does not run natively ({0}).", PlatformList.Format(emulated));
        }

        var warnings = new List<string>();
        if (settings.Mode == QemuRegistrationMode.Container && RegisterQemuPlan.MutableImage(settings) is { } mutable)
        {
            Log.Warning("RegisterQemu: " + mutable);
            warnings.Add(mutable);
        }

        if (settings.CheckOnly)
        {
            return Doctor(settings, wanted, warnings);
        }

        new BinfmtMount(Host, _processRunner, Log).Ensure(settings);
        using var gate = BinfmtLock.Acquire(Host.LockPath, Host.LockTimeout, Log);
        var table = ReadEnabled(settings);
        var byName = emulated.GroupBy(p => p.Info.QemuName).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var host = settings.Mode == QemuRegistrationMode.Host
            ? byName.ToDictionary(kv => kv.Key, kv => HostRegistrations.Host(settings, kv.Value), StringComparer.Ordinal)
            : new Dictionary<string, BinfmtRegistration?>(StringComparer.Ordinal);
        var expected = byName.Keys.ToDictionary(n => n, n => host.GetValueOrDefault(n) ?? RegisterQemuPlan.Qemu(n, $"/usr/bin/{n}-static", "F"), StringComparer.Ordinal);

        if (settings.Reset)
        {
            var names = settings.ResetAllQemu
                ? table.Entries.Keys.Where(n => n.StartsWith("qemu-", StringComparison.Ordinal))
                : byName.Keys.Where(table.Entries.ContainsKey);
            foreach (var name in names.ToArray())
            {
                Log.Information("RegisterQemu: removing binfmt_misc entry '{0}' (Reset).", name);
                WriteKernel(Path.Combine(settings.BinfmtMiscPath, name), "-1", $"remove entry '{name}'");
            }

            table = BinfmtTable.Read(settings.BinfmtMiscPath);
        }

        RefuseMismatches(settings, table, byName, expected);
        var missing = emulated.Where(p => !IsReady(table, p)).ToArray();
        if (missing.Length == 0)
        {
            Log.Information("RegisterQemu: every wanted platform already has an enabled binfmt_misc entry with the F flag: nothing to do.");
            return Prove(settings, Report(wanted, table, expected, new HashSet<string>(StringComparer.Ordinal)), table, warnings);
        }

        Log.Information("RegisterQemu: registering {0} ({1} mode)…", PlatformList.Format(missing), settings.Mode.ToString().ToLowerInvariant());
        var registered = new HashSet<string>(StringComparer.Ordinal);
        var output = settings.Mode == QemuRegistrationMode.Host ? RegisterOnHost(settings, table, missing, host, registered) : RegisterWithContainer(settings, missing);

        var after = BinfmtTable.Read(settings.BinfmtMiscPath);
        if (settings.Mode == QemuRegistrationMode.Container)
        {
            registered.UnionWith(missing.Where(p => IsReady(after, p)).Select(p => p.Info.QemuName));
        }

        var result = Report(wanted, after, expected, registered);
        var failed = result.Platforms.Where(p => p.State == QemuPlatformState.Failed).ToArray();
        if (failed.Length > 0)
        {
            var said = output.Count == 0 ? string.Empty : " The installer said:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, output.Where(l => l.Length > 0).TakeLast(ErrorTailLines).Select(l => "  " + l));
            var notReady = failed.Where(f => !IsReady(after, f.Platform)).ToArray();
            var wrong = failed.Except(notReady).Select(f => $"{f.Platform} ({f.EntryName}) was registered but differs: {string.Join("; ", RegisterQemuPlan.Differences(after.Entries[f.EntryName!], expected[f.EntryName!]))}.").ToArray();
            var message = notReady.Length == 0 ? string.Empty
                : $"{string.Join(", ", notReady.Select(f => $"{f.Platform} ({f.EntryName})"))} {(notReady.Length == 1 ? "is" : "are")} still not registered with the F flag after the {settings.Mode.ToString().ToLowerInvariant()} registration.";
            throw new CakeException("RegisterQemu: " + string.Join(" ", wrong.Prepend(message).Where(m => m.Length > 0)) + said);
        }

        return Prove(settings, result, after, warnings);
    }

    /// <summary>The doctor (CheckOnly): reads the table and runs the self-test, changing nothing and failing on nothing found.</summary>
    private RegisterQemuResult Doctor(RegisterQemuSettings settings, IReadOnlyList<Platform> wanted, List<string> warnings)
    {
        var mounted = BinfmtTable.IsMounted(settings.BinfmtMiscPath);
        var table = mounted ? BinfmtTable.Read(settings.BinfmtMiscPath) : null;
        var lines = wanted.Select(p =>
        {
            if (IsNative(p))
            {
                return new QemuPlatformStatus(p, QemuPlatformState.Native, null, null, null);
            }

            var entry = table?.Entries.GetValueOrDefault(p.Info.QemuName);
            var ready = table is not null && IsReady(table, p);
            return new QemuPlatformStatus(p, ready ? QemuPlatformState.AlreadyRegistered : QemuPlatformState.Failed, entry?.Name ?? p.Info.QemuName, entry?.Interpreter, entry?.Flags);
        }).ToArray();
        if (!mounted)
        {
            warnings.Add($"binfmt_misc is not mounted at '{settings.BinfmtMiscPath}': no emulator can be registered there (RegisterQemu mounts it when CheckOnly is false).");
        }
        else if (!table!.Enabled)
        {
            warnings.Add($"binfmt_misc at '{settings.BinfmtMiscPath}' is disabled: no handler runs (echo 1 > {settings.BinfmtMiscPath}/status).");
        }

        return Prove(settings, new RegisterQemuResult(lines), table, warnings);
    }

    /// <summary>Runs the self-test (unless turned off, or the table is not the kernel's), adds the versions and warnings, logs the table, and fails on a platform that does not run (unless CheckOnly).</summary>
    private RegisterQemuResult Prove(RegisterQemuSettings settings, RegisterQemuResult result, BinfmtTable? table, List<string> warnings)
    {
        var lines = result.Platforms;
        if (!settings.SelfTest)
        {
            Log.Verbose("RegisterQemu: SelfTest = false: the platforms were not run.");
        }
        else if (table is null || !Host.IsKernelTable(settings.BinfmtMiscPath))
        {
            warnings.Add($"the self-test did not run: '{settings.BinfmtMiscPath}' is not a mounted binfmt_misc, so programs the kernel runs say nothing about it.");
        }
        else
        {
            var proved = Host.SelfTest.Run(lines.Select(l => (l.Platform, l.State != QemuPlatformState.Native)).ToArray(), table);
            proved = proved.Select(r => settings.SelfTestImage is null || !r.Emulated || !r.Passed ? r : RunImage(settings, r)).ToArray();
            lines = lines.Zip(proved, (line, test) => line with { SelfTest = test }).ToArray();
            warnings.AddRange(proved.SelectMany(r => r.Warnings).Distinct());
        }

        var kernel = Host.KernelRelease();
        var report = result with { Platforms = lines, Warnings = warnings, KernelRelease = kernel, Table = QemuReportTable.Format(settings, kernel, table, lines, warnings) };
        foreach (var row in report.Table.Split('\n'))
        {
            Log.Information("RegisterQemu: {0}", row);
        }

        foreach (var warning in warnings.Distinct())
        {
            Log.Warning("RegisterQemu: warning: {0}", warning);
        }

        var failed = lines.Where(l => l.SelfTest is { Passed: false }).ToArray();
        if (failed.Length > 0 && !settings.CheckOnly)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, failed.Select(f => $"RegisterQemu: the self-test failed for {f.Platform}: {f.SelfTest!.Reason} Fix: {f.SelfTest.Fix}")));
        }

        return report;
    }

    /// <summary>Runs <c>docker run --rm --platform P IMAGE true</c> for an emulated platform (SelfTestImage), which proves the engine's side.</summary>
    private QemuSelfTestResult RunImage(RegisterQemuSettings settings, QemuSelfTestResult test)
    {
        var args = new ProcessArgumentBuilder().Append("run").Append("--rm").Append("--platform").Append(test.Platform.ToString()).AppendQuoted(settings.SelfTestImage!).Append("true");
        try
        {
            RunDocker(settings, args, new DockerRunOptions($"docker run --platform {test.Platform} {settings.SelfTestImage} true"));
            return test with { ImagePassed = true, Reason = test.Reason + $" 'docker run --platform {test.Platform} {settings.SelfTestImage} true' ran." };
        }
        catch (CakeException ex)
        {
            return test with
            {
                ImagePassed = false,
                Passed = false,
                Reason = test.Reason + $" But the engine could not run a {test.Platform} container of '{settings.SelfTestImage}': {ex.Message}",
                Fix = $"check that '{settings.SelfTestImage}' has a {test.Platform} variant and can be pulled, and restart the docker engine if it was started before the emulator was registered.",
            };
        }
    }

    private void RefuseMismatches(RegisterQemuSettings settings, BinfmtTable table, IReadOnlyDictionary<string, Platform> byName, IReadOnlyDictionary<string, BinfmtRegistration> expected)
    {
        var problems = new List<string>();
        foreach (var (name, platform) in byName)
        {
            if (!table.Entries.TryGetValue(name, out var entry))
            {
                continue;
            }

            var differences = RegisterQemuPlan.Differences(entry, expected[name]);
            if (differences.Count > 0)
            {
                problems.Add($"RegisterQemu: binfmt_misc entry '{name}' does not match the wanted registration for {platform}; expected {Describe(expected[name])}, found {string.Join("; ", differences)}. It was left as it is: set Reset = true to replace it, or remove it yourself (echo -1 > {Path.Combine(settings.BinfmtMiscPath, name)}).");
            }
            else if (IsReady(table, platform) && settings.Mode == QemuRegistrationMode.Host && (entry.Interpreter != expected[name].Interpreter || BinfmtRegistration.NormalizeFlags(entry.Flags) != expected[name].Flags))
            {
                Log.Information("RegisterQemu: keeping binfmt_misc entry '{0}' (interpreter '{1}', flags '{2}'): it runs {3} with the F flag, though this host would register '{4}' with flags '{5}'. Set Reset = true to replace it.", name, entry.Interpreter ?? "-", entry.Flags, platform, expected[name].Interpreter, expected[name].Flags);
            }
        }

        if (problems.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, problems));
        }
    }

    private static string Describe(BinfmtRegistration registration) =>
        $"magic '{registration.Magic}', mask '{registration.Mask ?? "(none)"}', offset {registration.Offset}, interpreter '{registration.Interpreter}' or another QEMU";

    private BinfmtTable ReadEnabled(RegisterQemuSettings settings)
    {
        var table = BinfmtTable.Read(settings.BinfmtMiscPath);
        return table.Enabled
            ? table
            : throw new CakeException($"RegisterQemu: binfmt_misc at '{settings.BinfmtMiscPath}' is disabled (status is not 'enabled'); enable it: echo 1 > {settings.BinfmtMiscPath}/status");
    }

    private bool IsNative(Platform platform) =>
        platform.Info.QemuName == Host.HostPlatform.Info.QemuName || (Host.HostPlatform.Architecture == "amd64" && platform.Architecture == "386");

    private static bool IsReady(BinfmtTable table, Platform platform) =>
        table.Entries.TryGetValue(platform.Info.QemuName, out var entry) && entry.Enabled && entry.FixBinary;

    private RegisterQemuResult Report(IReadOnlyList<Platform> wanted, BinfmtTable after, IReadOnlyDictionary<string, BinfmtRegistration> expected, IReadOnlySet<string> registered)
    {
        var lines = wanted.Select(p =>
        {
            if (IsNative(p))
            {
                return new QemuPlatformStatus(p, QemuPlatformState.Native, null, null, null);
            }

            var name = p.Info.QemuName;
            after.Entries.TryGetValue(name, out var entry);
            var state = !IsReady(after, p) || RegisterQemuPlan.Differences(entry!, expected[name]).Count > 0 ? QemuPlatformState.Failed
                : registered.Contains(name) ? QemuPlatformState.RegisteredNow
                : QemuPlatformState.AlreadyRegistered;
            return new QemuPlatformStatus(p, state, name, entry?.Interpreter, entry?.Flags);
        }).ToArray();

        return new RegisterQemuResult(lines);
    }

    private void Preflight(RegisterQemuSettings settings)
    {
        if (Environment.Platform.Family != PlatformFamily.Linux)
        {
            throw new CakeException($"RegisterQemu: this machine runs {Environment.Platform.Family}, not Linux; binfmt_misc is a Linux kernel feature. On Docker Desktop (macOS, Windows) QEMU emulation is already set up.");
        }

        var release = Host.KernelRelease();
        if (release is not null && RegisterQemuPlan.TryParseKernel(release) is { } version && version < new Version(4, 8))
        {
            throw new CakeException($"RegisterQemu: kernel {release} is older than 4.8 and has no binfmt_misc F (fix binary) flag, so emulators cannot run inside containers; upgrade the kernel (CentOS 7's 3.10 is too old) or build on native nodes (EnsureBuilder AppendNodes).");
        }

        var problems = RegisterQemuPlan.Problems(settings);
        if (problems.Count > 0)
        {
            throw new CakeException("RegisterQemu: " + string.Join(System.Environment.NewLine + "RegisterQemu: ", problems));
        }
    }

    private List<string> RegisterOnHost(RegisterQemuSettings settings, BinfmtTable table, IReadOnlyList<Platform> missing, IReadOnlyDictionary<string, BinfmtRegistration?> host, ISet<string> registered)
    {
        var done = new List<string>();
        foreach (var platform in missing.GroupBy(p => p.Info.QemuName).Select(g => g.First()))
        {
            var name = platform.Info.QemuName;
            var line = host[name] ?? throw HostRegistrations.NoHostEmulator(settings, platform);
            if (table.Entries.TryGetValue(name, out var existing))
            {
                // It matches (RefuseMismatches ran) but is disabled or lacks F, so it cannot serve containers.
                Log.Information("RegisterQemu: replacing binfmt_misc entry '{0}' (flags '{1}', {2}) with one that has the F flag.", name, existing.Flags, existing.Enabled ? "enabled" : "disabled");
                WriteKernel(Path.Combine(settings.BinfmtMiscPath, name), "-1", $"remove entry '{name}'");
            }

            Host.BeforeRegister?.Invoke(name);
            if (WriteKernel(Path.Combine(settings.BinfmtMiscPath, "register"), line.Line, $"register '{name}'", acceptExisting: true))
            {
                registered.Add(name);
                done.Add($"registered {name} ({line.Interpreter})");
                continue;
            }

            // EEXIST: another process registered it between our read and write (its lock may be
            // disabled, or it is not RegisterQemu). Accept it only when it is what we wanted.
            var now = BinfmtTable.Read(settings.BinfmtMiscPath).Entries.GetValueOrDefault(name);
            var differences = now is null ? ["no entry (it was removed again)"] : RegisterQemuPlan.Differences(now, line);
            if (now is null || differences.Count > 0 || !now.Enabled || !now.FixBinary)
            {
                throw new CakeException($"RegisterQemu: the kernel refused to register '{name}' for {platform} because an entry of that name appeared meanwhile (another process registered it), and it is not the wanted one; expected {Describe(line)} with the F flag, found {(differences.Count > 0 ? string.Join("; ", differences) : $"flags '{now!.Flags}', {(now.Enabled ? "enabled" : "disabled")}")}. Run again with Reset = true to replace it.");
            }

            Log.Information("RegisterQemu: '{0}' was registered meanwhile by another process; it matches the wanted registration, so it is kept.", name);
        }

        return done;
    }

    private List<string> RegisterWithContainer(RegisterQemuSettings settings, IReadOnlyList<Platform> missing)
    {
        ProbeCache.Shared.ForgetBuilders(); // a builder's platforms follow the kernel's emulators: the builds that follow read them again
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

    /// <summary>Writes to a binfmt_misc file through <see cref="BinfmtHost.KernelWrite"/>, turning the kernel's refusals into messages.</summary>
    /// <returns><see langword="false"/> when <paramref name="acceptExisting"/> is set and the kernel said EEXIST (the entry exists already).</returns>
    private bool WriteKernel(string path, string text, string what, bool acceptExisting = false)
    {
        ProbeCache.Shared.ForgetBuilders(); // a builder's platforms follow the kernel's emulators: the builds that follow read them again
        try
        {
            Host.KernelWrite(path, text);
            return true;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CakeException($"RegisterQemu: not privileged to {what}: writing '{path}' was refused ({ex.Message}). Run the build as root (or with CAP_SYS_ADMIN), or use container mode with a privileged docker engine.");
        }
        catch (IOException ex) when (acceptExisting && ex.HResult == AlreadyExists)
        {
            return false;
        }
        catch (IOException ex)
        {
            throw new CakeException($"RegisterQemu: the kernel refused to {what}: writing '{text}' to '{path}' failed ({ex.Message}).");
        }
    }

    /// <summary>The errno (EEXIST) that .NET puts in <see cref="Exception.HResult"/> when the kernel already has an entry of that name.</summary>
    internal const int AlreadyExists = 17;
}
