using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Json;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>One platform of a pushed result, as the registry serves it: its manifest and its attestation manifest (buildx's metadata file names neither).</summary>
/// <param name="Platform">The platform.</param>
/// <param name="Digest">The platform manifest's digest.</param>
/// <param name="AttestationDigest">The digest of the attestation manifest that describes it, or <see langword="null"/>.</param>
public sealed record PushedPlatform(Platform Platform, string Digest, string? AttestationDigest)
{
    /// <summary>Reads, for a pushed digest (an index or a single manifest), each platform's manifest digest and attestation digest.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="image">The image pinned by digest.</param>
    /// <param name="alias">The alias, for messages.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The platforms, in the index's order.</returns>
    internal static async Task<IReadOnlyList<PushedPlatform>> ReadAsync(IRegistryClient client, ImageReference image, string alias, CancellationToken cancellationToken)
    {
        var top = await client.GetManifestAsync(image, image.ManifestReference, cancellationToken).ConfigureAwait(false);
        if (!top.IsIndex)
        {
            var (platform, _) = await ConfigPlatformAsync(client, image, top, alias, cancellationToken).ConfigureAwait(false);
            return [new PushedPlatform(platform, top.Digest, null)];
        }

        var entries = top.ToIndex().Manifests;
        var attestations = entries.Where(e => e.IsAttestation)
            .Select(e => (Subject: e.Annotations!.GetValueOrDefault("vnd.docker.reference.digest"), e.Digest))
            .Where(a => a.Subject is not null)
            .ToArray();
        var result = new List<PushedPlatform>();
        foreach (var entry in entries.Where(e => !e.IsAttestation))
        {
            var error = Platform.TryParseCore(entry.Platform?.ToString(), out var platform);
            if (error is not null)
            {
                throw new CakeException($"{alias}: the index {image} has an entry {entry.Digest} with {(entry.Platform is null ? "no platform" : $"platform '{entry.Platform}'")}; expected os/architecture such as linux/arm64. {error}");
            }

            result.Add(new PushedPlatform(platform, entry.Digest, attestations.FirstOrDefault(a => a.Subject == entry.Digest).Digest));
        }

        return result;
    }

    /// <summary>Reads a single manifest's platform from its image config.</summary>
    internal static async Task<(Platform Platform, ImageConfig Config)> ConfigPlatformAsync(IRegistryClient client, ImageReference image, ManifestResult manifest, string alias, CancellationToken cancellationToken)
    {
        var configBytes = await client.GetBlobAsync(image, manifest.ToManifest().Config.Digest, cancellationToken).ConfigureAwait(false);
        var config = JsonSerializer.Deserialize(configBytes, MultiArchJsonContext.Default.ImageConfig) ?? new ImageConfig();
        var text = $"{config.Os}/{config.Architecture}{(string.IsNullOrEmpty(config.Variant) ? string.Empty : "/" + config.Variant)}";
        return Platform.TryParseCore(text, out var platform) is { } error
            ? throw new CakeException($"{alias}: the manifest {manifest.Digest} in {image.Registry}/{image.Repository} has config platform '{text}'; expected os/architecture such as linux/arm64. {error}")
            : (platform, config);
    }
}
