using Cake.Core.Diagnostics;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// Writes VerifyManifest's result to the Cake log: one table, the deep findings under it, one
/// image at a time when several are verified at once.
/// </summary>
/// <param name="log">The Cake log.</param>
internal sealed class VerifyManifestLog(ICakeLog log)
{
    // One gate for every runner: the lines of images verified in parallel never interleave.
    private static readonly object Gate = new();

    /// <summary>Writes the result's table, its deep findings and, when it passed, the verdict.</summary>
    /// <param name="result">The result.</param>
    /// <param name="settings">The settings it was verified with.</param>
    public void Write(VerifyManifestResult result, VerifyManifestSettings settings)
    {
        lock (Gate)
        {
            WriteLines(result, settings);
        }
    }

    /// <summary>Writes why an image (one of several) could not be verified.</summary>
    /// <param name="image">The image.</param>
    /// <param name="message">Why, without the <c>VerifyManifest: </c> prefix.</param>
    public void CouldNotVerify(string image, string message)
    {
        lock (Gate)
        {
            log.Error("VerifyManifest: {0} could not be verified: {1}", image, message);
        }
    }

    private void WriteDeepLines(VerifyManifestResult result)
    {
        foreach (var check in result.Platforms)
        {
            if (check.Entrypoint is { } entrypoint)
            {
                log.Information("VerifyManifest: {0,-16} entry point {1}", check.Platform, entrypoint);
            }

            foreach (var finding in check.Findings)
            {
                if (finding.Severity == DeepFindingSeverity.Error)
                {
                    log.Error("VerifyManifest: {0,-16} {1}", check.Platform, finding);
                }
                else
                {
                    log.Warning("VerifyManifest: {0,-16} {1}", check.Platform, finding);
                }
            }
        }
    }

    // The attestation checks' findings: each platform's, then the index's.
    private void WriteAttestationLines(VerifyManifestResult result)
    {
        foreach (var finding in result.Platforms.SelectMany(p => p.AttestationFindings))
        {
            log.Error("VerifyManifest: {0}", finding);
        }

        foreach (var problem in result.Problems.Where(p => p.StartsWith(AttestationCheck.AttestationSubject + ": ", StringComparison.Ordinal) || p.StartsWith("the attestation manifest ", StringComparison.Ordinal)))
        {
            log.Error("VerifyManifest: {0}", problem);
        }
    }

    private void WriteLines(VerifyManifestResult result, VerifyManifestSettings settings)
    {
        log.Information("VerifyManifest: {0} → {1} ({2}{3})", result.Image, result.Digest, result.MediaType, result.AttestationManifests > 0 ? $", {result.AttestationManifests} attestation manifest(s) skipped" : string.Empty);
        log.Information("VerifyManifest: expecting {0} (from {1}).", result.ExpectedPlatforms.Count == 0 ? "no platform" : PlatformList.Format(result.ExpectedPlatforms), result.ExpectedPlatformsSource);
        log.Information("VerifyManifest: {0,-16} {1,-15} {2,-19} {3,-16} {4}", "PLATFORM", "STATUS", "DIGEST", "CONFIG", settings.Deep ? "BINARIES / ATTESTATIONS" : "ATTESTATIONS");
        foreach (var check in result.Platforms)
        {
            var binaries = check.ElfFiles is { } elf ? (check.OffenderCount > 0 ? $"{check.OffenderCount}/{elf} ELF wrong" : check.Note ?? $"{elf} ELF ok") + " / " : string.Empty;
            var attest = check.Attestations.Count > 0 ? string.Join("+", check.Attestations) : "none";
            log.Information("VerifyManifest: {0,-16} {1,-15} {2,-19} {3,-16} {4}{5}", check.Platform, check.Status, check.Digest is { Length: > 19 } d ? d[..19] : check.Digest ?? "-", check.ConfigPlatform ?? "-", binaries, attest);
        }

        WriteDeepLines(result);
        WriteAttestationLines(result);
        if (result.Passed)
        {
            log.Information("VerifyManifest: {0} serves {1}{2}{3}.", result.Image, PlatformList.Format(result.ExpectedPlatforms), settings.Deep ? ", binaries checked" : string.Empty, settings.AttestationChecks.Count > 0 ? $", attestations checked ({string.Join(", ", settings.AttestationChecks)})" : string.Empty);
        }
    }
}
