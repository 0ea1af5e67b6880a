using System.Text.Json;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Cosign;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifySignature;

/// <summary>
/// Verifies the cosign signatures of a digest (<c>cosign verify</c>) and, by default, of each
/// platform manifest of its index, one call per manifest; a failure names the platform and keeps
/// cosign's own message.
/// </summary>
public sealed class VerifySignatureRunner : CosignRunner<VerifySignatureSettings>
{
    private readonly Func<RegistryAccess, IRegistryClient> _clientFactory;

    /// <summary>Initializes a new instance of the <see cref="VerifySignatureRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public VerifySignatureRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, processRunner, tools, log, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VerifySignatureRunner"/> class with a registry client of the caller's (tests).</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="clientFactory">Makes the registry client that reads the index (default: the HTTP client).</param>
    internal VerifySignatureRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, Func<RegistryAccess, IRegistryClient>? clientFactory)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _clientFactory = clientFactory ?? (access => access.CreateClient());
    }

    /// <inheritdoc />
    protected override string AliasName => "VerifySignature";

    /// <summary>Verifies the signatures and returns each manifest's result.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The index and each platform manifest verified.</returns>
    /// <exception cref="CakeException">Invalid settings or no cosign (before any process starts), or a signature that does not verify: one line per manifest, naming its platform, with cosign's words.</exception>
    public VerifySignatureResult Run(VerifySignatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var plan = VerifySignaturePlan.Create(settings, path => FileSystem.Exist(new FilePath(path).MakeAbsolute(Environment)));
        EnsureTool(settings);
        IReadOnlyList<SignatureTarget> targets;
        var client = _clientFactory(settings.Registry);
        try
        {
            targets = SignedTargets.ReadAsync(client, plan.Image, settings.Recursive, CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }

        var verified = new List<VerifiedSignature>();
        var failures = new List<string>();
        var secrets = string.IsNullOrEmpty(settings.Registry.Password) ? Array.Empty<string>() : [settings.Registry.Password];
        using (var registry = CosignRegistryConfig.Create(settings.Registry, plan.Image.Registry, Environment))
        {
            foreach (var target in targets)
            {
                var call = new CosignCall(plan.Arguments(target.Digest), $"cosign verify of {target.Name}", registry.Environment, secrets) { AllowFailure = true };
                var result = RunCosign(settings, call);
                if (result.ExitCode == 0)
                {
                    verified.Add(new VerifiedSignature(target.Platform, target.Digest, CountSignatures(result.Output)));
                    Log.Information("VerifySignature: {0}", verified[^1]);
                }
                else
                {
                    failures.Add($"VerifySignature: the signature of {target.Name} ({target.Digest}) in {plan.Image.Registry}/{plan.Image.Repository} did not verify (exit code {result.ExitCode}); {result.Said()}");
                }
            }
        }

        if (failures.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, failures) + System.Environment.NewLine + "Sign it with SignImage (Recursive covers every platform), or check Key/CertificateIdentity and IgnoreTlog.");
        }

        return new VerifySignatureResult($"{plan.Image.Registry}/{plan.Image.Repository}@{plan.Image.Digest}", plan.Image.Digest!, verified);
    }

    // cosign verify prints a JSON array of the verified payloads on stdout (one line).
    private static int CountSignatures(IReadOnlyList<string> output)
    {
        foreach (var line in output.Where(l => l.TrimStart().StartsWith('[')))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.GetArrayLength();
            }
            catch (JsonException)
            {
                // not the payload line
            }
        }

        return 0;
    }
}
