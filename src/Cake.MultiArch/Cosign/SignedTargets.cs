using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Cosign;

/// <summary>One manifest a signature covers: the index (no platform) or one platform's manifest.</summary>
/// <param name="Platform">The platform, or <see langword="null"/> for the index (or a single manifest).</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="AttestationOf">For an attestation manifest (BuildKit's, <c>unknown/unknown</c> in the index): the platform it describes; otherwise <see langword="null"/>.</param>
internal sealed record SignatureTarget(Platform? Platform, string Digest, Platform? AttestationOf = null)
{
    /// <summary>Gets the name of the target for messages: the platform, <c>the attestation of</c> a platform, or <c>the index</c>.</summary>
    public string Name => AttestationOf is { } a ? $"the attestation of {a}" : Platform is { } p ? p.ToString() : "the index";

    /// <summary>Gets the tag cosign stores the signature under: <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public string SignatureTag => Digest.Replace(':', '-') + ".sig";
}

/// <summary>Reads what a signature covers: the image, and (recursive) each platform manifest of its index; attestation manifests are not platforms and are left out unless asked for (cosign's <c>--recursive</c> signs them too).</summary>
internal static class SignedTargets
{
    /// <summary>Reads the targets.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="image">The image, pinned by digest.</param>
    /// <param name="recursive">Whether each platform manifest is a target too.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <param name="attestations">Whether the index's attestation manifests are targets too (after the platforms), each named by the platform it describes.</param>
    /// <returns>The index first, then the platforms in the index's order, then (when asked) the attestation manifests.</returns>
    public static async Task<IReadOnlyList<SignatureTarget>> ReadAsync(IRegistryClient client, ImageReference image, bool recursive, CancellationToken cancellationToken, bool attestations = false)
    {
        var manifest = await client.GetManifestAsync(image, image.Digest!, cancellationToken).ConfigureAwait(false);
        var targets = new List<SignatureTarget> { new(null, manifest.Digest) };
        if (!recursive || !manifest.IsIndex)
        {
            return targets;
        }

        foreach (var entry in manifest.ToIndex().Manifests.Where(m => !m.IsAttestation && m.Platform is not null))
        {
            if (Platform.TryParse(entry.Platform!.ToString(), out var platform))
            {
                targets.Add(new SignatureTarget(platform, entry.Digest));
            }
        }

        if (attestations)
        {
            targets.AddRange(AttestationTargets(manifest.ToIndex().Manifests, targets));
        }

        return targets;
    }

    private static IEnumerable<SignatureTarget> AttestationTargets(IEnumerable<Descriptor> entries, List<SignatureTarget> platforms)
    {
        foreach (var entry in entries.Where(m => m.IsAttestation))
        {
            var described = entry.Annotations!.TryGetValue("vnd.docker.reference.digest", out var digest)
                ? platforms.FirstOrDefault(t => t.Platform is not null && t.Digest == digest)?.Platform
                : null;
            yield return new SignatureTarget(null, entry.Digest, described);
        }
    }
}
