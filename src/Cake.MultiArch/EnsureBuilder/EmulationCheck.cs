using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.RegisterQemu;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>
/// Backs a builder's platform list with RegisterQemu's self-test: a builder on this machine that
/// lists a platform this kernel cannot run (dockerd keeps the platforms it detected until it
/// restarts, even after the emulator was removed) is an error naming both facts and the fix.
/// </summary>
internal static class EmulationCheck
{
    // Made when a builder's emulated platform is first run here, not when the type loads.
    private static readonly Lazy<QemuSelfTest> SharedSelfTest = new(() => new QemuSelfTest());

    /// <summary>Gets the self-test (shared: it only writes to folders of its own).</summary>
    internal static QemuSelfTest SelfTest => SharedSelfTest.Value;

    /// <summary>Runs the self-test for the required platforms this machine emulates, when the builder runs on this machine.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder (its platforms were checked).</param>
    /// <param name="environment">The environment (DOCKER_HOST).</param>
    /// <param name="log">The log.</param>
    /// <exception cref="CakeException">A listed platform does not run on this kernel.</exception>
    public static void Verify(EnsureBuilderSettings settings, EnsureBuilderResult builder, ICakeEnvironment environment, ICakeLog log)
    {
        var host = Platform.Host;
        var emulated = settings.RequiredPlatforms.Where(p => p.Info.QemuName != host.Info.QemuName && !(host.Architecture == "amd64" && p.Architecture == "386")).Distinct().ToArray();
        if (!settings.VerifyEmulation || emulated.Length == 0 || environment.Platform.Family != PlatformFamily.Linux)
        {
            return;
        }

        var dockerHost = environment.GetEnvironmentVariable("DOCKER_HOST");
        var remote = builder.Nodes.Any(n => n.Endpoint is { } e && (e.StartsWith("tcp://", StringComparison.Ordinal) || e.StartsWith("ssh://", StringComparison.Ordinal) || e.StartsWith("kubernetes://", StringComparison.Ordinal)))
            || builder.Driver is "remote" or "kubernetes"
            || (dockerHost is { Length: > 0 } && !dockerHost.StartsWith("unix://", StringComparison.Ordinal));
        if (remote)
        {
            log.Verbose("EnsureBuilder: the builder's nodes are not on this machine; its emulated platforms are not run here.");
            return;
        }

        var table = BinfmtTable.IsMounted(BinfmtTable.DefaultPath) ? BinfmtTable.Read(BinfmtTable.DefaultPath) : null;
        var failed = SelfTest.Run(emulated.Select(p => (p, true)).ToArray(), table).Where(r => !r.Passed).ToArray();
        if (failed.Length > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, failed.Select(f =>
                $"EnsureBuilder: builder '{builder.Name}' lists {f.Platform}, but this machine's kernel cannot run {f.Platform} programs: {f.Reason} "
                + $"Fix: {f.Fix} Or, if the emulator was removed after the {(builder.IsEngineBuilder ? "docker engine" : "builder")} started, {(builder.IsEngineBuilder ? "restart the docker engine (dockerd keeps the platforms it detected until it restarts)" : "recreate the builder (Recreate = true)")}.")));
        }

        log.Verbose("EnsureBuilder: {0} ran on this kernel (self-test).", PlatformList.Format(emulated));
    }
}
