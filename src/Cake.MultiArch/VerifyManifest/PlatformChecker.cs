using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest.Deep;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>One platform's checks: its manifest and config, and (deep) its merged layers.</summary>
/// <param name="client">The registry client.</param>
/// <param name="reference">The image.</param>
/// <param name="top">What the image reference resolved to (an index, or the one manifest).</param>
/// <param name="settings">The settings (never written to).</param>
internal sealed class PlatformChecker(IRegistryClient client, ImageReference reference, ManifestResult top, VerifyManifestSettings settings)
{
    /// <summary>Checks one platform; a registry failure is this platform's problem, not the image's.</summary>
    /// <param name="platform">The platform.</param>
    /// <param name="descriptor">Its index entry (or the one manifest).</param>
    /// <param name="attestationKinds">The attestation kinds attached to it.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>Its line of the result and its problems.</returns>
    public async Task<(PlatformCheck Check, List<string> Problems)> CheckAsync(Platform platform, Descriptor descriptor, IReadOnlyList<string> attestationKinds, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            var check = await CheckCoreAsync(platform, descriptor, attestationKinds, problems, cancellationToken).ConfigureAwait(false);
            return (check, problems);
        }
        catch (CakeException ex)
        {
            // The registry failed for this platform only (a timeout, a refusal, a damaged
            // document): the other platforms are still checked and reported.
            problems.Add($"{platform}: {VerifyManifestRunner.Unprefixed(ex.Message)}");
            return (new PlatformCheck(platform, PlatformCheckStatus.Unreadable, descriptor.Digest, null, null, [], 0, attestationKinds, "unreadable"), problems);
        }
    }

    /// <summary>Gets whether an exception means the layer's bytes are damaged (a cut gzip stream, a broken tar), not a bug.</summary>
    private static bool IsDamagedLayer(Exception ex) =>
        ex is IOException or InvalidDataException or FormatException or ZstdSharp.ZstdException;

    private async Task<PlatformCheck> CheckCoreAsync(Platform platform, Descriptor descriptor, IReadOnlyList<string> attestationKinds, List<string> problems, CancellationToken cancellationToken)
    {
        var manifestResult = top.IsIndex ? await client.GetManifestAsync(reference, descriptor.Digest, cancellationToken).ConfigureAwait(false) : top;
        if (manifestResult.IsIndex)
        {
            problems.Add($"{platform}: its entry {descriptor.Digest} is a nested index; expected an image manifest.");
            return new PlatformCheck(platform, PlatformCheckStatus.ConfigMismatch, descriptor.Digest, null, null, [], 0, attestationKinds, "nested index");
        }

        var manifest = manifestResult.ToManifest();
        var configBytes = await client.GetBlobAsync(reference, manifest.Config.Digest, cancellationToken).ConfigureAwait(false);
        var config = OciJson.ReadConfig(configBytes, $"the config {manifest.Config.Digest} of {platform}");
        var declaredText = $"{config.Os}/{config.Architecture}{(string.IsNullOrEmpty(config.Variant) ? string.Empty : "/" + config.Variant)}";
        var status = PlatformCheckStatus.Ok;
        if (!Platform.TryParse(declaredText, out var declared) || declared != platform)
        {
            problems.Add($"{platform}: the image config declares '{declaredText}', not {platform} (the index entry and the image disagree).");
            status = PlatformCheckStatus.ConfigMismatch;
        }

        if (!settings.Deep)
        {
            return new PlatformCheck(platform, status, descriptor.Digest, declaredText, null, [], 0, attestationKinds, null);
        }

        // Deep: the merged tree of the platform's layers, then the checks over it and the config.
        var tree = await ReadLayersAsync(manifest, cancellationToken).ConfigureAwait(false);
        var deep = new DeepInspector(tree, ContainerConfig.Parse(configBytes), platform, DeepOptions.From(settings)).Run();
        return Judge(platform, descriptor, declaredText, status, deep, attestationKinds, problems);
    }

    private async Task<ImageTree> ReadLayersAsync(ImageManifest manifest, CancellationToken cancellationToken)
    {
        var builder = new ImageTreeBuilder();
        foreach (var layer in manifest.Layers)
        {
            var blob = await client.OpenBlobAsync(reference, layer.Digest, cancellationToken).ConfigureAwait(false);
            await using (blob.ConfigureAwait(false))
            {
                try
                {
                    await builder.ApplyLayerAsync(blob, layer.MediaType, layer.Digest, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsDamagedLayer(ex))
                {
                    throw new CakeException($"the layer {layer.Digest} ({layer.MediaType}) could not be read ({ex.GetType().Name}: {ex.Message}); expected a complete layer. The registry holds a damaged blob: push the image again.", ex);
                }
            }
        }

        return builder.Tree;
    }

    // The deep result as the platform's verdict: wrong binaries first, then what stops it from starting.
    private PlatformCheck Judge(Platform platform, Descriptor descriptor, string declaredText, PlatformCheckStatus status, DeepResult deep, IReadOnlyList<string> attestationKinds, List<string> problems)
    {
        string? note = null;
        if (deep.ElfFiles == 0)
        {
            note = "no ELF files (scripts or data only)";
        }
        else if (deep.OffenderCount > 0 && !settings.DisabledDeepChecks.Contains(DeepCheck.ElfMachine))
        {
            var kinds = deep.Offenders.Select(o => o.Architecture).Distinct().ToArray();
            problems.Add(
                $"{platform}: {deep.OffenderCount} of {deep.ElfFiles} ELF files are built for {string.Join(" or ", kinds)}, not {platform.Architecture}: {string.Join(", ", deep.Offenders.Select(o => $"{o.Path} ({o.Architecture})"))}{(deep.OffenderCount > deep.Offenders.Count ? ", …" : string.Empty)}. "
                + "A stage that uses $TARGETARCH without 'ARG TARGETARCH', or a binary copied in from the build machine, does this.");
            status = status == PlatformCheckStatus.Ok ? PlatformCheckStatus.WrongBinaries : status;
        }

        var errors = deep.Findings.Where(f => f.Severity == DeepFindingSeverity.Error && f.Check != DeepCheck.ElfMachine).ToArray();
        problems.AddRange(errors.Select(f => $"{platform}: {f}"));
        status = status == PlatformCheckStatus.Ok && errors.Length > 0 ? PlatformCheckStatus.CannotStart : status;
        return new PlatformCheck(platform, status, descriptor.Digest, declaredText, deep.ElfFiles, deep.Offenders, deep.OffenderCount, attestationKinds, note)
        {
            Entrypoint = deep.Entrypoint,
            Findings = deep.Findings,
        };
    }
}
