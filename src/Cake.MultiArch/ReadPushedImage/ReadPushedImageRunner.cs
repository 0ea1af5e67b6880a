using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.ReadPushedImage;

/// <summary>Reads a pushed digest's platforms back: each platform manifest's digest and its attestation manifest's digest (buildx's metadata file names neither).</summary>
public sealed class ReadPushedImageRunner
{
    private const string Alias = "ReadPushedImage";
    private readonly Func<RegistryAccess, IRegistryWriteClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="ReadPushedImageRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public ReadPushedImageRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this()
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(log);
    }

    /// <summary>Initializes a new instance of the <see cref="ReadPushedImageRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="clientFactory">Makes a registry client for the access settings (default: the HTTP client).</param>
    internal ReadPushedImageRunner(Func<RegistryAccess, IRegistryWriteClient>? clientFactory = null)
    {
        _clientFactory = clientFactory ?? (access => access.CreateClient());
    }

    /// <summary>Reads a pushed digest's platforms back.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The pushed image.</returns>
    /// <exception cref="CakeException">Invalid settings or a registry failure.</exception>
    public PushedImage Run(ReadPushedImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Read(ReadPushedImagePlan.Create(settings), settings.Registry);
    }

    /// <summary>Reads back what a <c>BuildxBuild</c> pushed by digest: each platform's manifest and attestation digests.</summary>
    /// <param name="build">The build's result.</param>
    /// <param name="settings">Registry access, or <see langword="null"/>; its <c>Image</c> is not used (not changed).</param>
    /// <returns>The pushed image.</returns>
    /// <exception cref="CakeException">The result has no digest or names no image, invalid settings, or a registry failure.</exception>
    public PushedImage Run(BuildxBuildResult build, ReadPushedImageSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var access = settings?.Registry ?? new RegistryAccess();
        return Read(ReadPushedImagePlan.Create(build, access), access);
    }

    private PushedImage Read(ReadPushedImagePlan plan, RegistryAccess access) =>
        RegistryAccessRun.WithClientAsync(_clientFactory, access, async client =>
            new PushedImage(plan.Image.ToString(), plan.Image.Digest!, await PushedPlatform.ReadAsync(client, plan.Image, Alias, CancellationToken.None).ConfigureAwait(false)))
        .GetAwaiter().GetResult();
}
