using Cake.Core.Diagnostics;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.VerifyManifest;

/// <content>The report in the Cake log: one table, the deep findings under it, one line at a time across images.</content>
public sealed partial class VerifyManifestRunner
{
    private static readonly object LogGate = new();

    private void LogReport(VerifyManifestResult report, VerifyManifestSettings settings)
    {
        lock (LogGate)
        {
            LogReportLines(report, settings);
        }
    }

    private void LogDeepLines(VerifyManifestResult report)
    {
        foreach (var check in report.Platforms)
        {
            if (check.Entrypoint is { } entrypoint)
            {
                _log.Information("VerifyManifest: {0,-16} entry point {1}", check.Platform, entrypoint);
            }

            foreach (var finding in check.Findings)
            {
                if (finding.Severity == DeepFindingSeverity.Error)
                {
                    _log.Error("VerifyManifest: {0,-16} {1}", check.Platform, finding);
                }
                else
                {
                    _log.Warning("VerifyManifest: {0,-16} {1}", check.Platform, finding);
                }
            }
        }
    }

    private void LogReportLines(VerifyManifestResult report, VerifyManifestSettings settings)
    {
        _log.Information("VerifyManifest: {0} → {1} ({2}{3})", report.Image, report.Digest, report.MediaType, report.AttestationManifests > 0 ? $", {report.AttestationManifests} attestation manifest(s) skipped" : string.Empty);
        _log.Information("VerifyManifest: expecting {0} (from {1}).", report.ExpectedPlatforms.Count == 0 ? "no platform" : PlatformList.Format(report.ExpectedPlatforms), report.ExpectedPlatformsSource);
        _log.Information("VerifyManifest: {0,-16} {1,-15} {2,-19} {3,-16} {4}", "PLATFORM", "STATUS", "DIGEST", "CONFIG", settings.Deep ? "BINARIES / ATTESTATIONS" : "ATTESTATIONS");
        foreach (var check in report.Platforms)
        {
            var binaries = check.ElfFiles is { } elf ? (check.OffenderCount > 0 ? $"{check.OffenderCount}/{elf} ELF wrong" : check.Note ?? $"{elf} ELF ok") + " / " : string.Empty;
            var attest = check.Attestations.Count > 0 ? string.Join("+", check.Attestations) : "none";
            _log.Information("VerifyManifest: {0,-16} {1,-15} {2,-19} {3,-16} {4}{5}", check.Platform, check.Status, check.Digest is { Length: > 19 } d ? d[..19] : check.Digest ?? "-", check.ConfigPlatform ?? "-", binaries, attest);
        }

        LogDeepLines(report);
        if (report.Passed)
        {
            _log.Information("VerifyManifest: {0} serves {1}{2}.", report.Image, PlatformList.Format(report.ExpectedPlatforms), settings.Deep ? ", binaries checked" : string.Empty);
        }
    }
}
