using System.Text.Json.Nodes;
using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.MergeImages;

/// <summary>Reads one merge input from the registry: an index's platform entries with their attestations kept beside them, or a single manifest whose platform its config names.</summary>
internal static class MergeInputReader
{
    private const string Alias = MergeImagesPlan.Alias;

    /// <summary>Reads an input's platforms.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="repository">The repository.</param>
    /// <param name="input">The input.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>Its parts, one per platform.</returns>
    /// <exception cref="CakeException">The input is not in the registry, has an entry without a valid platform, or disagrees with its record.</exception>
    public static async Task<IEnumerable<MergePart>> ReadAsync(IRegistryWriteClient client, ImageReference repository, MergeInput input, CancellationToken cancellationToken)
    {
        var image = repository.WithDigest(input.Digest);
        var top = await GetAsync(client, image, input.Source, "its digest", cancellationToken).ConfigureAwait(false);
        return top.IsIndex
            ? FromIndex(image, input, top)
            : [await FromManifestAsync(client, repository, image, input, top, cancellationToken).ConfigureAwait(false)];
    }

    private static List<MergePart> FromIndex(ImageReference image, MergeInput input, ManifestResult top)
    {
        var index = JsonNode.Parse(top.Bytes)!["manifests"]!.AsArray().Select(n => n!).ToArray();
        var attestations = index.Where(IsAttestation).ToArray();
        var parts = new List<MergePart>();
        foreach (var entry in index.Where(e => !IsAttestation(e)))
        {
            var platformText = entry["platform"] is { } p ? $"{p["os"]}/{p["architecture"]}{(p["variant"] is { } v ? "/" + v : string.Empty)}" : null;
            if (Platform.TryParseCore(platformText, out var platform) is { } error)
            {
                throw new CakeException($"{Alias}: the index {image} (from '{input.Source}') has an entry with platform '{platformText}'; expected os/architecture such as linux/arm64. {error}");
            }

            var digest = (string)entry["digest"]!;
            var attestation = attestations.FirstOrDefault(a => (string?)a["annotations"]?["vnd.docker.reference.digest"] == digest);
            parts.Add(new MergePart(platform, input.Source, digest, entry.DeepClone(), (string?)attestation?["digest"], attestation?.DeepClone()));
        }

        if (input.Platform is { } recorded && (parts.Count != 1 || parts[0].Platform != recorded))
        {
            throw new CakeException($"{Alias}: the record '{input.Source}' says {recorded}, but {image} holds {PlatformList.Format(parts.Select(p => p.Platform))}; expected the record's platform only. Write the record from the build it describes.");
        }

        return parts;
    }

    private static async Task<MergePart> FromManifestAsync(IRegistryWriteClient client, ImageReference repository, ImageReference image, MergeInput input, ManifestResult top, CancellationToken cancellationToken)
    {
        var (configPlatform, config) = await PushedPlatform.ConfigPlatformAsync(client, image, top, Alias, cancellationToken).ConfigureAwait(false);
        if (input.Platform is { } expected && expected != configPlatform)
        {
            throw new CakeException($"{Alias}: the record '{input.Source}' says {expected}, but the config of {image} says {configPlatform}; expected them to agree. Write the record from the build it describes.");
        }

        var platformNode = new JsonObject { ["architecture"] = config.Architecture, ["os"] = config.Os };
        if (!string.IsNullOrEmpty(config.Variant))
        {
            platformNode["variant"] = config.Variant;
        }

        var descriptor = new JsonObject { ["mediaType"] = top.MediaType, ["digest"] = top.Digest, ["size"] = top.Bytes.Length, ["platform"] = platformNode };
        JsonObject? attestationNode = null;
        if (input.Attestation is { } attestationDigest)
        {
            var attestationManifest = await GetAsync(client, repository.WithDigest(attestationDigest), input.Source, "its attestation digest", cancellationToken).ConfigureAwait(false);
            attestationNode = new JsonObject
            {
                ["mediaType"] = attestationManifest.MediaType,
                ["digest"] = attestationManifest.Digest,
                ["size"] = attestationManifest.Bytes.Length,
                ["annotations"] = new JsonObject { ["vnd.docker.reference.digest"] = top.Digest, ["vnd.docker.reference.type"] = "attestation-manifest" },
                ["platform"] = new JsonObject { ["architecture"] = "unknown", ["os"] = "unknown" },
            };
        }

        return new MergePart(configPlatform, input.Source, top.Digest, descriptor, input.Attestation, attestationNode);
    }

    private static async Task<ManifestResult> GetAsync(IRegistryWriteClient client, ImageReference image, string source, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetManifestAsync(image, image.Digest!, cancellationToken).ConfigureAwait(false);
        }
        catch (CakeException ex)
        {
            throw new CakeException($"{Alias}: {image} (from '{source}') could not be read; expected {what} to be in the registry, found: {ex.Message} Nothing was written.", ex);
        }
    }

    private static bool IsAttestation(JsonNode entry) =>
        (string?)entry["annotations"]?["vnd.docker.reference.type"] == "attestation-manifest";
}
