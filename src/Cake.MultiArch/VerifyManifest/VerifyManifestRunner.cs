using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// Proves that a pushed image serves every expected platform: the index lists it, its config
/// agrees, and (deep) its executables are built for it.
/// </summary>
public sealed class VerifyManifestRunner
{
    private readonly ICakeLog _log;
    private readonly VerifyManifestLog _output;
    private readonly Func<VerifyManifestSettings, IRegistryClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="VerifyManifestRunner"/> class with the HTTP registry client.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner (VerifyManifest starts no process: it speaks HTTP to the registry).</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public VerifyManifestRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(log, CreateClient)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
    }

    /// <summary>Initializes a new instance of the <see cref="VerifyManifestRunner"/> class with a registry client of the caller's.</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client for the settings.</param>
    internal VerifyManifestRunner(ICakeLog log, Func<VerifyManifestSettings, IRegistryClient> clientFactory)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _output = new VerifyManifestLog(log);
        _clientFactory = clientFactory ?? throw new ArgumentNullException(nameof(clientFactory));
    }

    /// <summary>Runs the checks and throws, listing every problem, when any fails.</summary>
    /// <param name="settings">The settings (never written to).</param>
    /// <returns>The result (only when every check passed).</returns>
    /// <exception cref="CakeException">Invalid settings, an unreachable registry, or failed checks (all listed).</exception>
    public VerifyManifestResult Run(VerifyManifestSettings settings) => ThrowIfFailed(RunAsync(settings, CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>
    /// Verifies what a build pushed, by its digest. The build's image always wins over
    /// <see cref="VerifyManifestSettings.Image"/>; the expected platforms are the settings' when
    /// listed, else the build's requested platforms, else those of its metadata, else those the
    /// registry serves (the result and log say which).
    /// </summary>
    /// <param name="build">The build result.</param>
    /// <param name="settings">More settings (never written to), or <see langword="null"/>.</param>
    /// <returns>The result (only when every check passed).</returns>
    /// <exception cref="CakeException">An untagged or unpushed build, invalid settings, an unreachable registry, or failed checks (all listed).</exception>
    public VerifyManifestResult Run(BuildxBuildResult build, VerifyManifestSettings? settings = null) => ThrowIfFailed(RunAsync(build, settings, CancellationToken.None).GetAwaiter().GetResult());

    /// <summary>
    /// Verifies several images (the tags of a release, say) with the same settings, a few at a
    /// time, and throws listing every image: a registry error is that image's problem, listed
    /// with the others.
    /// </summary>
    /// <param name="images">The image references.</param>
    /// <param name="settings">The settings (their <see cref="VerifyManifestSettings.Image"/> is ignored; never written to).</param>
    /// <param name="maxParallel">How many images are verified at once (1 to 64).</param>
    /// <returns>The results, in the order of <paramref name="images"/> (only when every check passed).</returns>
    /// <exception cref="CakeException">Invalid settings or images (before any request), or any image failing (all listed).</exception>
    public IReadOnlyList<VerifyManifestResult> RunMany(IEnumerable<string> images, VerifyManifestSettings settings, int maxParallel = 8)
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

    /// <summary>Verifies several images, a few at a time, and returns every result, passed or not; an image the registry did not serve gets a failed result saying why.</summary>
    /// <param name="images">The image references.</param>
    /// <param name="settings">The settings (their <see cref="VerifyManifestSettings.Image"/> is ignored; never written to).</param>
    /// <param name="maxParallel">How many images are verified at once (1 to 64).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The results, in the order of <paramref name="images"/>.</returns>
    /// <exception cref="CakeException">Invalid settings or images, before any request.</exception>
    public async Task<IReadOnlyList<VerifyManifestResult>> RunManyAsync(IEnumerable<string> images, VerifyManifestSettings settings, int maxParallel = 8, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(settings);
        var targets = VerifyManifestPlan.ForImages(images.ToArray(), settings, maxParallel);
        var reports = new VerifyManifestResult[targets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = maxParallel, CancellationToken = cancellationToken },
            async (i, token) => reports[i] = await RunCoreAsync(settings, targets[i], reportRegistryErrors: true, token).ConfigureAwait(false)).ConfigureAwait(false);
        return reports;
    }

    /// <summary>Runs the checks and returns the result, passed or not.</summary>
    /// <param name="settings">The settings (never written to).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request) or an unreachable image.</exception>
    public Task<VerifyManifestResult> RunAsync(VerifyManifestSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return RunCoreAsync(settings, VerifyManifestPlan.ForSettings(settings), reportRegistryErrors: false, cancellationToken);
    }

    /// <summary>Verifies what a build pushed and returns the result, passed or not (see <see cref="Run(BuildxBuildResult, VerifyManifestSettings?)"/>).</summary>
    /// <param name="build">The build result.</param>
    /// <param name="settings">More settings (never written to), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">An untagged or unpushed build, invalid settings, or an unreachable image.</exception>
    public Task<VerifyManifestResult> RunAsync(BuildxBuildResult build, VerifyManifestSettings? settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        settings ??= new VerifyManifestSettings();
        var target = VerifyManifestPlan.ForBuild(build, settings);
        if (!string.IsNullOrEmpty(settings.Image) && settings.Image != target.Image)
        {
            _log.Information("VerifyManifest: the settings' Image '{0}' is not used: the build result's {1} is verified.", settings.Image, target.Image);
        }

        return RunCoreAsync(settings, target, reportRegistryErrors: false, cancellationToken);
    }

    private static VerifyManifestResult ThrowIfFailed(VerifyManifestResult report) =>
        report.Passed
            ? report
            : throw new CakeException($"VerifyManifest: {report.Image} failed {report.Problems.Count} check{(report.Problems.Count == 1 ? string.Empty : "s")}:" + System.Environment.NewLine + string.Join(System.Environment.NewLine, report.Problems.Select(p => "  - " + p)));

    private async Task<VerifyManifestResult> RunCoreAsync(VerifyManifestSettings settings, VerifyTarget target, bool reportRegistryErrors, CancellationToken cancellationToken)
    {
        var client = _clientFactory(settings);
        try
        {
            return await VerifyAsync(client, target, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex) when (reportRegistryErrors)
        {
            var message = Unprefixed(ex.Message);
            _output.CouldNotVerify(target.Image, message);

            return new VerifyManifestResult(target.Image, string.Empty, string.Empty, [], 0, [message])
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

    /// <summary>Drops the <c>VerifyManifest: </c> prefix of a message quoted inside another.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The message without the prefix.</returns>
    internal static string Unprefixed(string message) =>
        message.StartsWith("VerifyManifest: ", StringComparison.Ordinal) ? message["VerifyManifest: ".Length..] : message;

    private static IRegistryClient CreateClient(VerifyManifestSettings settings) => settings.Registry.CreateClient();

    private async Task<VerifyManifestResult> VerifyAsync(IRegistryClient client, VerifyTarget target, VerifyManifestSettings settings, CancellationToken cancellationToken)
    {
        var reference = target.Reference;
        var problems = new List<string>();
        var top = await client.GetManifestAsync(reference, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        var served = await ServedPlatforms.ReadAsync(client, reference, top, settings, problems, cancellationToken).ConfigureAwait(false);
        var entries = served.Entries;
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

        var attestationKinds = await served.AttestationKindsAsync().ConfigureAwait(false);
        var checker = new PlatformChecker(client, reference, top, settings);
        var checks = await CheckExpectedAsync(checker, top.IsIndex, entries, expected, present, attestationKinds, problems, cancellationToken).ConfigureAwait(false);
        foreach (var (platform, descriptor) in entries.Where(e => !expected.Contains(e.Platform)))
        {
            if (settings.Strict)
            {
                problems.Add($"{platform}: in the index but not expected (Strict).");
            }

            checks.Add(new PlatformCheck(platform, PlatformCheckStatus.Unexpected, descriptor.Digest, null, null, [], 0, [], settings.Strict ? "not expected" : "not expected (allowed)"));
        }

        if (settings.AttestationChecks.Count > 0)
        {
            var manifests = await AttestationReader.ReadAsync(client, reference, served.AttestationEntries, cancellationToken).ConfigureAwait(false);
            checks = AttestationPass.Apply(new AttestationJudge(top.Digest, entries.Select(e => (e.Platform, e.Descriptor.Digest)).ToArray(), manifests), manifests, checks, settings.AttestationChecks.ToArray(), problems);
        }

        var result = new VerifyManifestResult(reference.Original, top.Digest, top.MediaType, checks, served.Attestations, problems)
        {
            ExpectedPlatforms = expected,
            ExpectedPlatformsSource = target.Source,
        };
        _output.Write(result, settings);
        return result;
    }

    // The expected platforms, checked at once (their manifests, configs and layers are
    // independent); their problems first, then those of the missing ones.
    private static async Task<List<PlatformCheck>> CheckExpectedAsync(PlatformChecker checker, bool isIndex, List<(Platform Platform, Descriptor Descriptor)> entries, Platform[] expected, Platform[] present, Dictionary<string, List<string>> attestationKinds, List<string> problems, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var tasks = new List<Task<(PlatformCheck Check, List<string> Problems)>>();
        foreach (var platform in expected)
        {
            var entry = entries.FirstOrDefault(e => e.Platform == platform);
            if (entry.Descriptor is null)
            {
                if (isIndex || expected.Length == 1)
                {
                    missing.Add($"{platform}: not in the {(isIndex ? "index" : "manifest")}; it has {(present.Length == 0 ? "no platforms" : PlatformList.Format(present))}.");
                }

                tasks.Add(Task.FromResult((new PlatformCheck(platform, PlatformCheckStatus.Missing, null, null, null, [], 0, [], null), new List<string>())));
                continue;
            }

            var kinds = attestationKinds.TryGetValue(entry.Descriptor.Digest, out var k) ? k : [];
            tasks.Add(checker.CheckAsync(platform, entry.Descriptor, kinds, cancellationToken));
        }

        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        problems.AddRange(results.SelectMany(r => r.Problems));
        problems.AddRange(missing);
        return results.Select(r => r.Check).ToList();
    }
}
