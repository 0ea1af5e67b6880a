using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Cosign;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.SignImage;

/// <summary>
/// Signs a pushed digest with cosign (<c>cosign sign --yes</c>): by default the index and every
/// platform manifest in it (<c>--recursive</c>). The key's password reaches cosign only through
/// its environment.
/// </summary>
public sealed class SignImageRunner : CosignRunner<SignImageSettings>
{
    private readonly Func<RegistryAccess, IRegistryClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="SignImageRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public SignImageRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, processRunner, tools, log, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SignImageRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client that reads the index (default: the HTTP client).</param>
    internal SignImageRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, Func<RegistryAccess, IRegistryClient>? clientFactory)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _clientFactory = clientFactory ?? (access => access.CreateClient());
    }

    /// <inheritdoc />
    protected override string AliasName => "SignImage";

    /// <summary>Signs the image and returns what the signature covers.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The index and each platform manifest signed, with their signature tags.</returns>
    /// <exception cref="CakeException">Invalid settings or no cosign (before any process starts), or cosign failed (its own words, never the password).</exception>
    public SignImageResult Run(SignImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = SignImagePlan.Create(settings, path => FileSystem.Exist(new FilePath(path).MakeAbsolute(Environment)));
        EnsureTool(settings);
        IReadOnlyList<SignatureTarget> targets;
        var client = _clientFactory(settings.Registry);
        try
        {
            targets = SignedTargets.ReadAsync(client, plan.Image, settings.Recursive, CancellationToken.None, attestations: true).GetAwaiter().GetResult();
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }

        using (var registry = CosignRegistryConfig.Create(settings.Registry, plan.Image.Registry, Environment))
        {
            var environment = plan.Environment.Concat(registry.Environment).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            RunCosign(settings, new CosignCall(plan.Arguments, $"cosign sign of {plan.Image}", environment, plan.Secrets));
        }

        var signed = targets.Select(t => new SignedManifest(t.Platform, t.Digest, t.SignatureTag) { AttestationOf = t.AttestationOf, IsAttestation = t.Platform is null && t != targets[0] }).ToArray();
        foreach (var manifest in signed)
        {
            Log.Information("SignImage: signed {0}", manifest);
        }

        return new SignImageResult($"{plan.Image.Registry}/{plan.Image.Repository}@{plan.Image.Digest}", plan.Image.Digest!, signed);
    }
}
