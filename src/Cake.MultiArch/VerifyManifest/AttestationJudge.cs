using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// The attestation checks (<see cref="AttestationCheck"/>), pure: the platform entries of an
/// index and its attestation manifests as read → the findings, per platform and for the index.
/// </summary>
/// <param name="indexDigest">The index's digest (a statement about it is index-wide).</param>
/// <param name="entries">Every platform entry of the index (platform, manifest digest).</param>
/// <param name="manifests">The attestation manifests, as read.</param>
internal sealed class AttestationJudge(string indexDigest, IReadOnlyList<(Platform Platform, string Digest)> entries, IReadOnlyList<AttestationManifest> manifests)
{
    private const string ProvenancePrefix = "https://slsa.dev/provenance/";
    private const string SpdxPrefix = "https://spdx.dev/Document";

    /// <summary>Gets whether a predicate type is SLSA provenance (any version).</summary>
    /// <param name="predicateType">The predicate type.</param>
    /// <returns><see langword="true"/> for <c>https://slsa.dev/provenance/…</c>.</returns>
    public static bool IsProvenance(string predicateType) => predicateType.StartsWith(ProvenancePrefix, StringComparison.Ordinal);

    /// <summary>Gets whether a predicate type is an SPDX document.</summary>
    /// <param name="predicateType">The predicate type.</param>
    /// <returns><see langword="true"/> for <c>https://spdx.dev/Document…</c>.</returns>
    public static bool IsSpdx(string predicateType) => predicateType.StartsWith(SpdxPrefix, StringComparison.Ordinal);

    /// <summary>Gets the statements of the attestation manifests that point at a platform manifest.</summary>
    /// <param name="digest">The platform manifest's digest.</param>
    /// <returns>The statements, in index order.</returns>
    public IReadOnlyList<AttestationStatement> StatementsOf(string digest) =>
        manifests.Where(m => m.Subject == digest).SelectMany(m => m.Statements).ToArray();

    /// <summary>Runs the checks listed for one platform.</summary>
    /// <param name="platform">The platform.</param>
    /// <param name="digest">Its manifest's digest.</param>
    /// <param name="checks">The ids to run.</param>
    /// <returns>Its findings (each starts with the check's id), empty when it passed.</returns>
    public IReadOnlyList<string> JudgePlatform(Platform platform, string digest, IReadOnlyCollection<string> checks)
    {
        var findings = new List<string>();
        var attached = StatementsOf(digest);
        if (checks.Contains(AttestationCheck.Provenance)
            && Judge(digest, attached, IsProvenance, "SLSA provenance", $"predicate {ProvenancePrefix}…", perPlatform: false) is { } provenance)
        {
            findings.Add($"{AttestationCheck.Provenance}: {provenance}. Fix: build with provenance for each platform (BuildxBuildSettings.Provenance = ProvenanceMode.Max, --provenance=mode=max) and push; MergeImages keeps each platform's attestation manifest");
        }

        if (checks.Contains(AttestationCheck.Sbom) && Judge(digest, attached, IsSpdx, "SPDX", $"predicate {SpdxPrefix}", perPlatform: true) is { } sbom)
        {
            findings.Add($"{AttestationCheck.Sbom}: {sbom}. Fix: make the SBOM per platform (BuildxBuildSettings.Sbom = true or SbomGenerator, --sbom): BuildKit scans each platform's files and attaches each SBOM to its own manifest");
        }

        return findings.Select(f => $"{platform}: {f}.").ToArray();
    }

    /// <summary>Runs the index-wide check: every attestation manifest points at, and is about, a platform manifest of the index.</summary>
    /// <returns>The findings, empty when it passed.</returns>
    public IReadOnlyList<string> JudgeSubjects()
    {
        var findings = new List<string>();
        var listed = entries.Select(e => e.Digest).ToHashSet(StringComparer.Ordinal);
        var lists = entries.Count == 0 ? "no platform manifest" : string.Join(", ", entries.Select(e => $"{e.Platform} {DeepFinding.Short(e.Digest)}"));
        const string Fix = "Fix: compose the index with MergeImages or imagetools create from the platform images (both keep each platform's attestation manifest next to it), or build again";
        foreach (var manifest in manifests)
        {
            if (manifest.Subject is null)
            {
                findings.Add($"{AttestationCheck.AttestationSubject}: the attestation manifest {DeepFinding.Short(manifest.Digest)} has no {AttestationReader.ReferenceDigest} annotation; expected the digest of the platform manifest it describes. {Fix}.");
            }
            else if (!listed.Contains(manifest.Subject))
            {
                findings.Add($"{AttestationCheck.AttestationSubject}: the attestation manifest {DeepFinding.Short(manifest.Digest)} points at {DeepFinding.Short(manifest.Subject)} ({AttestationReader.ReferenceDigest}), which is not in the index; it lists {lists}. {Fix}.");
            }

            foreach (var statement in manifest.Statements)
            {
                foreach (var subject in statement.Subjects.Where(s => !listed.Contains(s) && s != indexDigest).Distinct(StringComparer.Ordinal))
                {
                    findings.Add($"{AttestationCheck.AttestationSubject}: the {statement.PredicateType} statement of the attestation manifest {DeepFinding.Short(manifest.Digest)} is about {DeepFinding.Short(subject)}, which is not in the index; it lists {lists}. {Fix}.");
                }
            }
        }

        return findings;
    }

    // Null when a statement of the kind attached to the manifest is about it (and, for an SBOM,
    // about it alone); else why not.
    private string? Judge(string digest, IReadOnlyList<AttestationStatement> attached, Func<string, bool> isKind, string kind, string predicate, bool perPlatform)
    {
        var ofKind = attached.Where(s => isKind(s.PredicateType)).ToArray();
        var about = ofKind.Where(s => s.Subjects.Contains(digest, StringComparer.Ordinal)).ToArray();
        if (about.Length > 0)
        {
            return !perPlatform || about.FirstOrDefault(s => !IsIndexWide(s)) is not null ? null
                : $"the {kind} statement attached to its manifest {DeepFinding.Short(digest)} is index-wide (about {string.Join(" and ", about[0].Subjects.Distinct(StringComparer.Ordinal).Select(Describe))}): one SBOM for several platforms says nothing about this platform's own files";
        }

        if (ofKind.Length > 0)
        {
            var subjects = ofKind.SelectMany(s => s.Subjects).Distinct(StringComparer.Ordinal).ToArray();
            var wrongPlatform = subjects.Any(s => entries.Any(e => e.Digest == s)) ? $": {kind} made for another platform" : string.Empty;
            return $"the {kind} statement attached to its manifest {DeepFinding.Short(digest)} is about {(subjects.Length == 0 ? "nothing (no subject)" : string.Join(", ", subjects.Select(Describe)))}, not this manifest{wrongPlatform}";
        }

        return $"no {kind} statement ({predicate}) is attached to its manifest {DeepFinding.Short(digest)}; expected one whose subject is that manifest";
    }

    // A statement about the index, or about several of its platforms at once.
    private bool IsIndexWide(AttestationStatement statement) =>
        statement.Subjects.Contains(indexDigest, StringComparer.Ordinal) || statement.Subjects.Where(s => entries.Any(e => e.Digest == s)).Distinct(StringComparer.Ordinal).Count() > 1;

    private string Describe(string digest) =>
        entries.FirstOrDefault(e => e.Digest == digest) is { Digest: not null } entry ? $"the {entry.Platform} manifest {DeepFinding.Short(digest)}"
        : digest == indexDigest ? $"the index {DeepFinding.Short(digest)}"
        : $"{DeepFinding.Short(digest)}, which is not in the index";
}
