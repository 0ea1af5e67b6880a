namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// The stable ids of the attestation checks: each is off by default and runs when listed in
/// <see cref="VerifyManifestSettings.AttestationChecks"/>; its findings start with its id.
/// </summary>
public static class AttestationCheck
{
    /// <summary>Each platform's manifest has an SLSA provenance statement (<c>https://slsa.dev/provenance/…</c>) whose subject is that manifest.</summary>
    public const string Provenance = "Provenance";

    /// <summary>Each platform's manifest has an SPDX statement (<c>https://spdx.dev/Document…</c>) whose subject is that manifest, not another platform's or the index.</summary>
    public const string Sbom = "Sbom";

    /// <summary>Every attestation manifest of the index points at (<c>vnd.docker.reference.digest</c>), and its statements are about, a platform manifest the index lists.</summary>
    public const string AttestationSubject = "AttestationSubject";

    /// <summary>Gets every id, in the order the checks run.</summary>
    public static IReadOnlyList<string> All { get; } = [Provenance, Sbom, AttestationSubject];
}
