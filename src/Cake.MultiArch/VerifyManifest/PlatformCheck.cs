using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>The verdict for one platform.</summary>
public enum PlatformCheckStatus
{
    /// <summary>Present, its config agrees, and (deep) its binaries are for it.</summary>
    Ok,

    /// <summary>Expected but not in the index.</summary>
    Missing,

    /// <summary>Its image config declares another os/architecture/variant than its index entry.</summary>
    ConfigMismatch,

    /// <summary>Its binaries are for another architecture.</summary>
    WrongBinaries,

    /// <summary>In the index but not expected (a failure only in strict mode).</summary>
    Unexpected,

    /// <summary>The registry did not serve its manifest, config or a layer, or served a damaged one (the problem says which and why).</summary>
    Unreadable,

    /// <summary>Deep: its entry point, a loader or an ARM detail would stop it from starting (see <see cref="PlatformCheck.Findings"/>).</summary>
    CannotStart,

    /// <summary>Its attestations fail a check listed in <see cref="VerifyManifestSettings.AttestationChecks"/> (no provenance or SBOM about its manifest, or one about another; see <see cref="PlatformCheck.AttestationFindings"/>).</summary>
    AttestationProblem,
}

/// <summary>One platform's line of the result.</summary>
/// <param name="Platform">The platform.</param>
/// <param name="Status">The verdict.</param>
/// <param name="Digest">The platform manifest's digest, when present.</param>
/// <param name="ConfigPlatform">What the image config declares, when read.</param>
/// <param name="ElfFiles">How many ELF files the deep check read (<see langword="null"/> when not deep).</param>
/// <param name="Offenders">ELF files built for another architecture (the first few).</param>
/// <param name="OffenderCount">How many ELF files are for another architecture.</param>
/// <param name="Attestations">The attestation kinds attached to this platform (<c>provenance</c>, <c>sbom</c>), empty when none.</param>
/// <param name="Note">A remark, such as "no ELF files".</param>
public sealed record PlatformCheck(
    Platform Platform,
    PlatformCheckStatus Status,
    string? Digest,
    string? ConfigPlatform,
    int? ElfFiles,
    IReadOnlyList<ElfOffender> Offenders,
    int OffenderCount,
    IReadOnlyList<string> Attestations,
    string? Note)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Platform} {Status}{(Digest is null ? string.Empty : " " + Digest)}{(OffenderCount > 0 ? $" ({OffenderCount} of {ElfFiles} ELF files wrong)" : string.Empty)}{(Note is null ? string.Empty : " (" + Note + ")")}";

    /// <summary>Gets how the entry point resolved in the merged image (deep only; <see langword="null"/> otherwise).</summary>
    public EntrypointResolution? Entrypoint { get; init; }

    /// <summary>Gets what the deep checks found (errors and warnings; each with file, layer and fix). Empty when not deep.</summary>
    public IReadOnlyList<DeepFinding> Findings { get; init; } = [];

    /// <summary>Gets the in-toto statements of the attestation manifests that point at this platform's manifest (read when <see cref="VerifyManifestSettings.AttestationChecks"/> lists a check; empty otherwise).</summary>
    public IReadOnlyList<AttestationStatement> AttestationStatements { get; init; } = [];

    /// <summary>Gets what the attestation checks found for this platform (each starts with the platform and the check's id, as in the problems). Empty when they passed or did not run.</summary>
    public IReadOnlyList<string> AttestationFindings { get; init; } = [];
}
