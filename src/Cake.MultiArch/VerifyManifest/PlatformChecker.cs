using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest.Deep;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.VerifyManifest;

/// <content>One platform's checks: its manifest and config, its attestations, and (deep) its merged layers.</content>
public sealed partial class VerifyManifestRunner
{
    private static async Task<(PlatformCheck Check, List<string> Problems)> CheckPlatformAsync(IRegistryClient client, ImageReference reference, Platform platform, Cake.MultiArch.Registry.Descriptor descriptor, ManifestResult top, VerifyManifestSettings settings, IReadOnlyList<string> attestationKinds, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            var check = await CheckPlatformCoreAsync(client, reference, platform, descriptor, top, settings, attestationKinds, problems, cancellationToken).ConfigureAwait(false);
            return (check, problems);
        }
        catch (CakeException ex)
        {
            // The registry failed for this platform only (a timeout, a refusal, a damaged
            // document): the other platforms are still checked and reported.
            problems.Add($"{platform}: {Unprefixed(ex.Message)}");
            return (new PlatformCheck(platform, PlatformCheckStatus.Unreadable, descriptor.Digest, null, null, [], 0, attestationKinds, "unreadable"), problems);
        }
    }

    private static async Task<PlatformCheck> CheckPlatformCoreAsync(IRegistryClient client, ImageReference reference, Platform platform, Cake.MultiArch.Registry.Descriptor descriptor, ManifestResult top, VerifyManifestSettings settings, IReadOnlyList<string> attestationKinds, List<string> problems, CancellationToken cancellationToken)
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

        var deep = new DeepInspector(builder.Tree, ContainerConfig.Parse(configBytes), platform, DeepOptions.From(settings)).Run();
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

    /// <summary>Gets whether an exception means the layer's bytes are damaged (a cut gzip stream, a broken tar), not a bug.</summary>
    private static bool IsDamagedLayer(Exception ex) =>
        ex is IOException or InvalidDataException or FormatException or ZstdSharp.ZstdException;

    private static async Task<List<string>> AttestationKindsAsync(IRegistryClient client, ImageReference reference, Cake.MultiArch.Registry.Descriptor descriptor, CancellationToken cancellationToken)
    {
        var kinds = new List<string>();
        try
        {
            var manifest = (await client.GetManifestAsync(reference, descriptor.Digest, cancellationToken).ConfigureAwait(false)).ToManifest();
            foreach (var layer in manifest.Layers)
            {
                var predicate = layer.Annotations?.TryGetValue("in-toto.io/predicate-type", out var p) == true ? p : null;
                var kind = predicate switch
                {
                    null => "attestation",
                    _ when predicate.Contains("slsa.dev/provenance", StringComparison.Ordinal) => "provenance",
                    _ when predicate.Contains("spdx", StringComparison.OrdinalIgnoreCase) || predicate.Contains("cyclonedx", StringComparison.OrdinalIgnoreCase) => "sbom",
                    _ => predicate,
                };
                if (!kinds.Contains(kind))
                {
                    kinds.Add(kind);
                }
            }
        }
        catch (CakeException)
        {
            kinds.Add("attestation (unreadable)");
        }

        return kinds;
    }
}
