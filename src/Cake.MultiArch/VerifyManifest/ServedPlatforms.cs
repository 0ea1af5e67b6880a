using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// The platforms an image serves, as its index lists them (attestation entries counted apart,
/// their kinds read at the same time) or as its one manifest's config declares.
/// </summary>
internal sealed class ServedPlatforms
{
    private readonly Dictionary<string, Task<List<string>>> _attestationTasks = new(StringComparer.Ordinal);

    private ServedPlatforms()
    {
    }

    /// <summary>Gets each platform entry with its descriptor, in index order.</summary>
    public List<(Platform Platform, Descriptor Descriptor)> Entries { get; } = [];

    /// <summary>Gets how many attestation manifests the index holds.</summary>
    public int Attestations => AttestationEntries.Count;

    /// <summary>Gets the attestation entries of the index, in index order.</summary>
    public List<Descriptor> AttestationEntries { get; } = [];

    /// <summary>Reads the entries of what the image reference resolved to.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="reference">The image.</param>
    /// <param name="top">What it resolved to.</param>
    /// <param name="settings">The settings (never written to).</param>
    /// <param name="problems">Where a malformed entry's problem goes.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The served platforms.</returns>
    public static async Task<ServedPlatforms> ReadAsync(IRegistryClient client, ImageReference reference, ManifestResult top, VerifyManifestSettings settings, List<string> problems, CancellationToken cancellationToken)
    {
        var served = new ServedPlatforms();
        if (top.IsIndex)
        {
            served.ReadIndex(client, reference, top.ToIndex(), settings, problems, cancellationToken);
            return served;
        }

        // One platform, one manifest: its config says which.
        var manifest = top.ToManifest();
        var config = OciJson.ReadConfig(await client.GetBlobAsync(reference, manifest.Config.Digest, cancellationToken).ConfigureAwait(false), $"the config {manifest.Config.Digest}");
        if (Platform.TryParse($"{config.Os}/{config.Architecture}{(config.Variant is { } v ? "/" + v : string.Empty)}", out var platform))
        {
            served.Entries.Add((platform, new Descriptor { Digest = top.Digest, MediaType = top.MediaType, Size = top.Bytes.Length }));
        }

        return served;
    }

    /// <summary>Waits for the attestation kinds read while the index was.</summary>
    /// <returns>The kinds, by the digest of the platform manifest they are attached to.</returns>
    public async Task<Dictionary<string, List<string>>> AttestationKindsAsync()
    {
        await Task.WhenAll(_attestationTasks.Values).ConfigureAwait(false);
        var kinds = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (subject, task) in _attestationTasks)
        {
            kinds[subject] = task.Result;
        }

        return kinds;
    }

    private static async Task<List<string>> ReadAttestationKindsAsync(IRegistryClient client, ImageReference reference, Descriptor descriptor, CancellationToken cancellationToken)
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

    private void ReadIndex(IRegistryClient client, ImageReference reference, ImageIndex index, VerifyManifestSettings settings, List<string> problems, CancellationToken cancellationToken)
    {
        for (var i = 0; i < index.Manifests.Count; i++)
        {
            var descriptor = index.Manifests[i];
            if (descriptor.IsAttestation || descriptor.Platform is { Os: "unknown" })
            {
                AttestationEntries.Add(descriptor);
                if (descriptor.Annotations?.TryGetValue("vnd.docker.reference.digest", out var subject) == true && subject is not null)
                {
                    _attestationTasks[subject] = ReadAttestationKindsAsync(client, reference, descriptor, cancellationToken);
                }

                continue;
            }

            if (!RegistryClient.IsDigest(descriptor.Digest))
            {
                problems.Add($"the index entry #{i + 1} ({(descriptor.Platform is null ? "no platform" : descriptor.Platform.ToString())}) has {(string.IsNullOrEmpty(descriptor.Digest) ? "no digest" : $"the digest '{descriptor.Digest}'")}; expected 'sha256:' followed by 64 hex digits. The index is malformed: push it again.");
                continue;
            }

            if (descriptor.Platform is null)
            {
                problems.Add($"the index entry {descriptor.Digest} has no platform.");
                continue;
            }

            if (!Platform.TryParse(descriptor.Platform.ToString(), out var platform))
            {
                if (settings.Strict)
                {
                    problems.Add($"the index lists '{descriptor.Platform}', which is not a platform this check knows, and Strict is set.");
                }

                continue;
            }

            Entries.Add((platform, descriptor));
        }

        foreach (var group in Entries.GroupBy(e => e.Platform).Where(g => g.Count() > 1))
        {
            problems.Add($"{group.Key}: the index lists it {group.Count()} times ({DigestList(group.Select(e => e.Descriptor.Digest).ToArray())}); expected each platform once. A client pulls the first and never the others: push the index again with each platform once.");
        }
    }

    /// <summary>How many digests a problem names before it only counts the rest (an index of 999 entries must not make a 73 KB message).</summary>
    internal const int DigestsShown = 5;

    private static string DigestList(IReadOnlyList<string?> digests) =>
        digests.Count <= DigestsShown
            ? string.Join(", ", digests)
            : $"{string.Join(", ", digests.Take(DigestsShown))} and {digests.Count - DigestsShown} more";
}
