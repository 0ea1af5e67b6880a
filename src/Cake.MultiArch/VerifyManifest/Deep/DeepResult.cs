namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>What the deep checks found in one platform's merged image.</summary>
/// <param name="ElfFiles">How many ELF files the image holds (after whiteouts, ignored paths left out).</param>
/// <param name="Offenders">The first few ELF files built for another architecture.</param>
/// <param name="OffenderCount">How many ELF files are built for another architecture.</param>
/// <param name="Entrypoint">How the entry point resolved, when the <c>Entrypoint</c> check ran.</param>
/// <param name="Findings">Every finding, errors and warnings, in check order.</param>
internal sealed record DeepResult(int ElfFiles, IReadOnlyList<ElfOffender> Offenders, int OffenderCount, EntrypointResolution? Entrypoint, IReadOnlyList<DeepFinding> Findings);
