using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PushOciLayout;

/// <summary>Pushes an OCI layout's image by digest (no tag) and reads its platforms back: the build by digest for buildx's <c>docker</c> driver.</summary>
public sealed class PushOciLayoutRunner
{
    private readonly Func<RegistryAccess, IRegistryWriteClient> _clientFactory;
    private readonly DirectoryPath? _workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="PushOciLayoutRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment (a relative <c>Layout</c> is taken from its working directory).</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public PushOciLayoutRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this((environment ?? throw new ArgumentNullException(nameof(environment))).WorkingDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(log);
    }

    /// <summary>Initializes a new instance of the <see cref="PushOciLayoutRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="workingDirectory">The folder a relative <c>Layout</c> is taken from (default: the process's current directory).</param>
    /// <param name="clientFactory">Makes a registry client for the access settings (default: the HTTP client).</param>
    internal PushOciLayoutRunner(DirectoryPath? workingDirectory = null, Func<RegistryAccess, IRegistryWriteClient>? clientFactory = null)
    {
        _workingDirectory = workingDirectory;
        _clientFactory = clientFactory ?? (access => access.CreateClient());
    }

    /// <summary>Pushes an OCI layout's image by digest (no tag) and reads its platforms back.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The pushed image.</returns>
    /// <exception cref="CakeException">Invalid settings, a broken layout, or a registry failure.</exception>
    public PushedImage Run(PushOciLayoutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = PushOciLayoutPlan.Create(settings);
        var layout = _workingDirectory is null ? System.IO.Path.GetFullPath(plan.Layout.FullPath) : plan.Layout.MakeAbsolute(_workingDirectory).FullPath;
        return RegistryAccessRun.WithClientAsync(_clientFactory, settings.Registry, async client =>
        {
            var image = await OciLayoutPusher.PushAsync(client, layout, plan.Repository, CancellationToken.None).ConfigureAwait(false);
            return new PushedImage(image.ToString(), image.Digest!, await PushedPlatform.ReadAsync(client, image, "PushOciLayout", CancellationToken.None).ConfigureAwait(false));
        }).GetAwaiter().GetResult();
    }
}
