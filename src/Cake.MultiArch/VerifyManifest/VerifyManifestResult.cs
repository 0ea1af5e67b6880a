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
}

/// <summary>One platform's line of the report.</summary>
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
}

/// <summary>The result of VerifyManifest.</summary>
/// <param name="Image">The reference that was checked.</param>
/// <param name="Digest">The digest it resolved to.</param>
/// <param name="MediaType">The media type of what it resolved to.</param>
/// <param name="Platforms">A line per expected (and, in strict mode, unexpected) platform.</param>
/// <param name="AttestationManifests">How many attestation manifests the index holds (skipped as platforms).</param>
/// <param name="Problems">Every problem found; empty when the image passed.</param>
public sealed record VerifyManifestResult(
    string Image,
    string Digest,
    string MediaType,
    IReadOnlyList<PlatformCheck> Platforms,
    int AttestationManifests,
    IReadOnlyList<string> Problems)
{
    /// <summary>Gets a value indicating whether every check passed.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>Gets the platforms the image had to serve.</summary>
    public IReadOnlyList<Platform> ExpectedPlatforms { get; init; } = [];

    /// <summary>Gets where <see cref="ExpectedPlatforms"/> came from: <c>ExpectedPlatforms</c> (the settings), the build's requested platforms, the build's metadata, or the platforms the registry serves.</summary>
    public string ExpectedPlatformsSource { get; init; } = "ExpectedPlatforms";

    /// <inheritdoc />
    public override string ToString() =>
        $"{Image}{(Digest.Length > 0 ? " → " + Digest : string.Empty)}: {(Passed ? "passed" : $"{Problems.Count} problem{(Problems.Count == 1 ? string.Empty : "s")}")} ({string.Join(", ", Platforms.Select(p => $"{p.Platform} {p.Status}"))})";
}
