using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.MergeImages;

/// <summary>
/// Composes one OCI index from per-platform results (pure HTTP, no docker): every platform
/// manifest once, each attestation manifest beside the manifest it describes, nothing re-wrapped;
/// refuses duplicates and anything but the expected platforms before writing; pushes the index by
/// digest, verifies it, and only then promotes it to the tags.
/// </summary>
public sealed class MergeImagesRunner
{
    private const string Alias = MergeImagesPlan.Alias;
    private readonly ICakeLog _log;
    private readonly Func<RegistryAccess, IRegistryWriteClient> _clientFactory;
    private readonly DirectoryPath? _workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="MergeImagesRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment (a relative <c>RecordsDirectory</c> is taken from its working directory).</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public MergeImagesRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(log, null, (environment ?? throw new ArgumentNullException(nameof(environment))).WorkingDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
    }

    /// <summary>Initializes a new instance of the <see cref="MergeImagesRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes a registry client for the access settings (called for the merge and for the verification; default: the HTTP client).</param>
    /// <param name="workingDirectory">The folder a relative <c>RecordsDirectory</c> is taken from (default: the process's current directory).</param>
    internal MergeImagesRunner(ICakeLog log, Func<RegistryAccess, IRegistryWriteClient>? clientFactory = null, DirectoryPath? workingDirectory = null)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? (access => access.CreateClient());
        _workingDirectory = workingDirectory;
    }

    /// <summary>Merges, pushes, verifies and promotes.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings or records, a missing digest, duplicate or missing platforms (all before any write), or a failed verification (no tag moved).</exception>
    public MergeImagesResult Run(MergeImagesSettings settings) => RunAsync(settings).GetAwaiter().GetResult();

    /// <summary>Merges, pushes, verifies and promotes.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">See <see cref="Run"/>.</exception>
    public async Task<MergeImagesResult> RunAsync(MergeImagesSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = MergeImagesPlan.Create(settings);
        var folder = settings.RecordsDirectory is null ? null : _workingDirectory is null ? System.IO.Path.GetFullPath(settings.RecordsDirectory.FullPath) : settings.RecordsDirectory.MakeAbsolute(_workingDirectory).FullPath;
        plan = plan.WithRecords(folder is null ? [] : MergeImagesRecords.Read(folder, plan.RepositoryName), folder);
        return await RegistryAccessRun.WithClientAsync(_clientFactory, settings.Registry, client => MergeAsync(client, plan, settings, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<MergeImagesResult> MergeAsync(IRegistryWriteClient client, MergeImagesPlan plan, MergeImagesSettings settings, CancellationToken cancellationToken)
    {
        var parts = new List<MergePart>();
        foreach (var input in plan.Inputs)
        {
            parts.AddRange(await MergeInputReader.ReadAsync(client, plan.Repository, input, cancellationToken).ConfigureAwait(false));
        }

        var ordered = plan.Order(parts);
        var bytes = MergeImagesPlan.Compose(ordered, settings.Annotations);
        var index = plan.Repository.WithDigest(RegistryClient.Sha256(bytes));
        await client.PutManifestAsync(index, index.Digest!, MediaTypes.OciIndex, bytes, cancellationToken).ConfigureAwait(false);
        _log.Write(Verbosity.Normal, LogLevel.Information, "{0}", $"{Alias}: pushed {index} ({string.Join(", ", ordered.Select(p => $"{p.Platform} {p.Digest}{(p.Attestation is null ? string.Empty : " + attestation " + p.Attestation)}"))})");

        var report = settings.Verify ? await VerifyAsync(index, plan, settings, cancellationToken).ConfigureAwait(false) : null;
        var promotion = plan.Tags.Count > 0
            ? await new ImagePromoter(_log).PromoteAsync(client, index, plan.Tags, settings.UseBlobMount, Alias, cancellationToken).ConfigureAwait(false)
            : null;
        return new MergeImagesResult(index.ToString(), index.Digest!, ordered.Select(p => new PushedPlatform(p.Platform, p.Digest, p.Attestation)).ToArray(), report, promotion);
    }

    private async Task<VerifyManifestResult> VerifyAsync(ImageReference index, MergeImagesPlan plan, MergeImagesSettings settings, CancellationToken cancellationToken)
    {
        var verify = new VerifyManifestSettings { Image = index.ToString(), Deep = settings.Deep, Strict = true, Registry = settings.Registry.Clone() };
        foreach (var platform in plan.ExpectedPlatforms)
        {
            verify.ExpectedPlatforms.Add(platform);
        }

        var report = await new VerifyManifestRunner(_log, _ => _clientFactory(settings.Registry)).RunAsync(verify, cancellationToken).ConfigureAwait(false);
        if (!report.Passed)
        {
            throw new CakeException($"{Alias}: the merged index {index} failed verification, so no tag was moved; expected every check to pass, found {report.Problems.Count} problem{(report.Problems.Count == 1 ? string.Empty : "s")}:" + System.Environment.NewLine
                + string.Join(System.Environment.NewLine, report.Problems.Select(p => "  - " + p)));
        }

        return report;
    }
}
