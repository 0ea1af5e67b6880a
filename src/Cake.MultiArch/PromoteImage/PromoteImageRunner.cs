using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PromoteImage;

/// <summary>
/// Puts an already pushed, verified digest under tags, in its own repository or others: the
/// manifest bytes are copied unchanged (the digest never changes), blobs are mounted across
/// repositories when the registry allows it, and a tag already at the digest is left alone.
/// </summary>
public sealed class PromoteImageRunner
{
    private readonly ICakeLog _log;
    private readonly Func<RegistryAccess, IRegistryWriteClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="PromoteImageRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public PromoteImageRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(log)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
    }

    /// <summary>Initializes a new instance of the <see cref="PromoteImageRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client for the access settings (default: the HTTP client).</param>
    internal PromoteImageRunner(ICakeLog log, Func<RegistryAccess, IRegistryWriteClient>? clientFactory = null)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _clientFactory = clientFactory ?? (access => access.CreateClient());
    }

    /// <summary>Promotes the digest and returns each tag's old → new.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request), or a registry failure.</exception>
    public PromoteImageResult Run(PromoteImageSettings settings) => RunAsync(settings).GetAwaiter().GetResult();

    /// <summary>Promotes the digest and returns each tag's old → new.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The result.</returns>
    /// <exception cref="CakeException">Invalid settings (before any request), or a registry failure.</exception>
    public async Task<PromoteImageResult> RunAsync(PromoteImageSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = PromoteImagePlan.Create(settings);
        return await RegistryAccessRun.WithClientAsync(_clientFactory, settings.Registry, client =>
            new ImagePromoter(_log).PromoteAsync(client, plan.Source, plan.Tags, settings.UseBlobMount, "PromoteImage", cancellationToken)).ConfigureAwait(false);
    }
}
