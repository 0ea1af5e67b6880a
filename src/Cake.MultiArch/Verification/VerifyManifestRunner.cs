using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Build;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Verification;

/// <summary>
/// Proves that a pushed image serves every expected platform: the index lists it, its config
/// agrees, and (deep) its executables are built for it.
/// </summary>
public sealed partial class VerifyManifestRunner
{
    private readonly ICakeLog _log;
    private readonly Func<VerifyManifestSettings, IRegistryClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="VerifyManifestRunner"/> class with the HTTP registry client.</summary>
    /// <param name="log">The log.</param>
    public VerifyManifestRunner(ICakeLog log)
        : this(log, CreateClient)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VerifyManifestRunner"/> class with a registry client of the caller's.</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client for the settings.</param>
    internal VerifyManifestRunner(ICakeLog log, Func<VerifyManifestSettings, IRegistryClient> clientFactory)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? throw new ArgumentNullException(nameof(clientFactory));
    }

    /// <summary>Runs the checks and throws, listing every problem, when any fails.</summary>
    /// <param name="settings">The settings (never written to).</param>
    /// <returns>The report (only when every check passed).</returns>
    /// <exception cref="CakeException">Invalid settings, an unreachable registry, or failed checks (all listed).</exception>
    public VerifyManifestReport Run(VerifyManifestSettings settings) => ThrowIfFailed(RunAsync(settings).GetAwaiter().GetResult());

    /// <summary>
    /// Verifies what a build pushed, by its digest. The build's image always wins over
    /// <see cref="VerifyManifestSettings.Image"/>; the expected platforms are the settings' when
    /// listed, else the build's requested platforms, else those of its metadata, else those the
    /// registry serves (the report and log say which).
    /// </summary>
    /// <param name="build">The build result.</param>
    /// <param name="settings">More settings (never written to), or <see langword="null"/>.</param>
    /// <returns>The report (only when every check passed).</returns>
    /// <exception cref="CakeException">An untagged or unpushed build, invalid settings, an unreachable registry, or failed checks (all listed).</exception>
    public VerifyManifestReport Run(BuildxBuildResult build, VerifyManifestSettings? settings = null) => ThrowIfFailed(RunAsync(build, settings).GetAwaiter().GetResult());

    /// <summary>
    /// Verifies several images (the tags of a release, say) with the same settings, a few at a
    /// time, and throws listing every image: a registry error is that image's problem, listed
    /// with the others.
    /// </summary>
    /// <param name="images">The image references.</param>
    /// <param name="settings">The settings (their <see cref="VerifyManifestSettings.Image"/> is ignored; never written to).</param>
    /// <param name="maxParallel">How many images are verified at once (1 to 64).</param>
    /// <returns>The reports, in the order of <paramref name="images"/> (only when every check passed).</returns>
    /// <exception cref="CakeException">Invalid settings or images (before any request), or any image failing (all listed).</exception>
    public IReadOnlyList<VerifyManifestReport> RunMany(IEnumerable<string> images, VerifyManifestSettings settings, int maxParallel = 8)
    {
        var reports = RunManyAsync(images, settings, maxParallel).GetAwaiter().GetResult();
        var failed = reports.Where(r => !r.Passed).ToArray();
        if (failed.Length > 0)
        {
            var passed = reports.Where(r => r.Passed).Select(r => r.Image).ToArray();
            throw new CakeException($"VerifyManifest: {failed.Length} of {reports.Count} images failed:" + System.Environment.NewLine
                + string.Join(System.Environment.NewLine, failed.SelectMany(r => r.Problems.Select(p => $"  - {r.Image}: {p}")))
                + (passed.Length > 0 ? System.Environment.NewLine + $"Passed: {string.Join(", ", passed)}." : string.Empty));
        }

        return reports;
    }

    /// <summary>Verifies several images, a few at a time, and returns every report, passed or not; an image the registry did not serve gets a failed report saying why.</summary>
    /// <param name="images">The image references.</param>
    /// <param name="settings">The settings (their <see cref="VerifyManifestSettings.Image"/> is ignored; never written to).</param>
    /// <param name="maxParallel">How many images are verified at once (1 to 64).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The reports, in the order of <paramref name="images"/>.</returns>
    /// <exception cref="CakeException">Invalid settings or images, before any request.</exception>
    public async Task<IReadOnlyList<VerifyManifestReport>> RunManyAsync(IEnumerable<string> images, VerifyManifestSettings settings, int maxParallel = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(settings);
        var targets = VerifyManifestValidation.ForImages(images.ToArray(), settings, maxParallel);
        var reports = new VerifyManifestReport[targets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken },
            async (i, token) => reports[i] = await RunCoreAsync(settings, targets[i], reportRegistryErrors: true, token).ConfigureAwait(false)).ConfigureAwait(false);
        return reports;
    }

    /// <summary>Runs the checks and returns the report, passed or not.</summary>
    /// <param name="settings">The settings (never written to).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The report.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request) or an unreachable image.</exception>
    public Task<VerifyManifestReport> RunAsync(VerifyManifestSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return RunCoreAsync(settings, VerifyManifestValidation.ForSettings(settings), reportRegistryErrors: false, cancellationToken);
    }

    /// <summary>Verifies what a build pushed and returns the report, passed or not (see <see cref="Run(BuildxBuildResult, VerifyManifestSettings?)"/>).</summary>
    /// <param name="build">The build result.</param>
    /// <param name="settings">More settings (never written to), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The report.</returns>
    /// <exception cref="CakeException">An untagged or unpushed build, invalid settings, or an unreachable image.</exception>
    public Task<VerifyManifestReport> RunAsync(BuildxBuildResult build, VerifyManifestSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        settings ??= new VerifyManifestSettings();
        var target = VerifyManifestValidation.ForBuild(build, settings);
        if (!string.IsNullOrEmpty(settings.Image) && settings.Image != target.Image)
        {
            _log.Information("VerifyManifest: the settings' Image '{0}' is not used: the build result's {1} is verified.", settings.Image, target.Image);
        }

        return RunCoreAsync(settings, target, reportRegistryErrors: false, cancellationToken);
    }

    private static VerifyManifestReport ThrowIfFailed(VerifyManifestReport report) =>
        report.Passed
            ? report
            : throw new CakeException($"VerifyManifest: {report.Image} failed {report.Problems.Count} check{(report.Problems.Count == 1 ? string.Empty : "s")}:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, report.Problems.Select(p => "  - " + p)));

    private async Task<VerifyManifestReport> RunCoreAsync(VerifyManifestSettings settings, VerifyTarget target, bool reportRegistryErrors, CancellationToken cancellationToken)
    {
        var client = _clientFactory(settings);
        try
        {
            return await VerifyAsync(client, target, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex) when (reportRegistryErrors)
        {
            var message = Unprefixed(ex.Message);
            lock (LogGate)
            {
                _log.Error("VerifyManifest: {0} could not be verified: {1}", target.Image, message);
            }

            return new VerifyManifestReport(target.Image, string.Empty, string.Empty, [], 0, [message])
            {
                ExpectedPlatforms = target.ExpectedPlatforms ?? [],
                ExpectedPlatformsSource = target.Source,
            };
        }
        catch (CakeException ex)
        {
            throw new CakeException($"VerifyManifest: {target.Image} could not be verified: {Unprefixed(ex.Message)}", ex);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }

    private static string Unprefixed(string message) =>
        message.StartsWith("VerifyManifest: ", StringComparison.Ordinal) ? message["VerifyManifest: ".Length..] : message;

    private static IRegistryClient CreateClient(VerifyManifestSettings settings) => settings.Registry.CreateClient();

    private async Task<VerifyManifestReport> VerifyAsync(IRegistryClient client, VerifyTarget target, VerifyManifestSettings settings, CancellationToken cancellationToken)
    {
        var reference = target.Reference;
        var problems = new List<string>();
        var checks = new List<PlatformCheck>();
        var top = await client.GetManifestAsync(reference, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        var attestations = 0;

        var entries = new List<(Platform Platform, Cake.MultiArch.Registry.Descriptor Descriptor)>();
        var attestationKinds = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var attestationTasks = new Dictionary<string, Task<List<string>>>(StringComparer.Ordinal);
        if (top.IsIndex)
        {
            var index = top.ToIndex();
            for (var i = 0; i < index.Manifests.Count; i++)
            {
                var descriptor = index.Manifests[i];
                if (descriptor.IsAttestation || descriptor.Platform is { Os: "unknown" })
                {
                    attestations++;
                    if (descriptor.Annotations?.TryGetValue("vnd.docker.reference.digest", out var subject) == true && subject is not null)
                    {
                        attestationTasks[subject] = AttestationKindsAsync(client, reference, descriptor, cancellationToken);
                    }

                    continue;
                }

                if (!RegistryClient.IsDigest(descriptor.Digest))
                {
                    problems.Add($"the index entry #{i + 1} ({(descriptor.Platform is null ? "no platform" : descriptor.Platform.ToString())}) has {(string.IsNullOrEmpty(descriptor.Digest) ? "no digest" : $"the digest '{descriptor.Digest}'")}; expected 'sha256:' followed by 64 hex digits. The index is malformed: push it again.");
                    continue;
                }

                if (descriptor.Platform is null)
                {
                    problems.Add($"the index entry {descriptor.Digest} has no platform.");
                    continue;
                }

                if (!Platform.TryParse(descriptor.Platform.ToString(), out var platform))
                {
                    if (settings.Strict)
                    {
                        problems.Add($"the index lists '{descriptor.Platform}', which is not a platform this check knows, and Strict is set.");
                    }

                    continue;
                }

                entries.Add((platform, descriptor));
            }

            foreach (var group in entries.GroupBy(e => e.Platform).Where(g => g.Count() > 1))
            {
                problems.Add($"{group.Key}: the index lists it {group.Count()} times ({string.Join(", ", group.Select(e => e.Descriptor.Digest))}); expected each platform once. A client pulls the first and never the others: push the index again with each platform once.");
            }
        }
        else
        {
            // One platform, one manifest: its config says which.
            var manifest = top.ToManifest();
            var config = OciJson.ReadConfig(await client.GetBlobAsync(reference, manifest.Config.Digest, cancellationToken).ConfigureAwait(false), $"the config {manifest.Config.Digest}");
            if (Platform.TryParse($"{config.Os}/{config.Architecture}{(config.Variant is { } v ? "/" + v : string.Empty)}", out var platform))
            {
                entries.Add((platform, new Cake.MultiArch.Registry.Descriptor { Digest = top.Digest, MediaType = top.MediaType, Size = top.Bytes.Length }));
            }
        }

        var present = entries.Select(e => e.Platform).Distinct().ToArray();
        var expected = target.ExpectedPlatforms?.ToArray() ?? present;
        if (expected.Length == 0)
        {
            problems.Add($"{reference.Original} serves no platform this check knows, and the build result names none; expected at least one of {Platform.AcceptedValues}. Set ExpectedPlatforms.");
        }

        if (!top.IsIndex && expected.Length > 1)
        {
            problems.Add($"{reference.Original} is a single-platform manifest ({(entries.Count > 0 ? entries[0].Platform.ToString() : "unknown platform")}), not an index; expected {PlatformList.Format(expected)}. Build with several platforms and push (the result is an index).");
        }

        await Task.WhenAll(attestationTasks.Values).ConfigureAwait(false);
        foreach (var (subject, task) in attestationTasks)
        {
            attestationKinds[subject] = task.Result;
        }

        var missing = new List<string>();
        var tasks = new List<Task<(PlatformCheck Check, List<string> Problems)>>();
        foreach (var platform in expected)
        {
            var entry = entries.FirstOrDefault(e => e.Platform == platform);
            if (entry.Descriptor is null)
            {
                if (top.IsIndex || expected.Length == 1)
                {
                    missing.Add($"{platform}: not in the {(top.IsIndex ? "index" : "manifest")}; it has {(present.Length == 0 ? "no platforms" : PlatformList.Format(present))}.");
                }

                tasks.Add(Task.FromResult((new PlatformCheck(platform, PlatformCheckStatus.Missing, null, null, null, [], 0, [], null), new List<string>())));
                continue;
            }

            // The platforms are checked at once: their manifests, configs and layers are independent.
            var kinds = attestationKinds.TryGetValue(entry.Descriptor.Digest, out var k) ? k : [];
            tasks.Add(CheckPlatformAsync(client, reference, platform, entry.Descriptor, top, settings, kinds, cancellationToken));
        }

        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        problems.AddRange(results.SelectMany(r => r.Problems));
        problems.AddRange(missing);
        checks.AddRange(results.Select(r => r.Check));

        foreach (var (platform, descriptor) in entries.Where(e => !expected.Contains(e.Platform)))
        {
            if (settings.Strict)
            {
                problems.Add($"{platform}: in the index but not expected (Strict).");
            }

            checks.Add(new PlatformCheck(platform, PlatformCheckStatus.Unexpected, descriptor.Digest, null, null, [], 0, [], settings.Strict ? "not expected" : "not expected (allowed)"));
        }

        var report = new VerifyManifestReport(reference.Original, top.Digest, top.MediaType, checks, attestations, problems)
        {
            ExpectedPlatforms = expected,
            ExpectedPlatformsSource = target.Source,
        };
        LogReport(report, settings);
        return report;
    }
}
