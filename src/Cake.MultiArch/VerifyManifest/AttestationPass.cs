namespace Cake.MultiArch.VerifyManifest;

/// <summary>Puts the attestation checks' verdicts on the platforms' lines and into the problems.</summary>
internal static class AttestationPass
{
    /// <summary>Judges every present, expected platform and the index's attestation manifests.</summary>
    /// <param name="judge">The judge over the index's entries and attestation manifests.</param>
    /// <param name="manifests">The attestation manifests, as read.</param>
    /// <param name="checks">The platforms' lines so far.</param>
    /// <param name="ids">The attestation checks to run.</param>
    /// <param name="problems">Where the findings go (after those of the platforms).</param>
    /// <returns>The lines with their statements, findings and (when a finding is new) status.</returns>
    public static List<PlatformCheck> Apply(AttestationJudge judge, IReadOnlyList<AttestationManifest> manifests, List<PlatformCheck> checks, IReadOnlyCollection<string> ids, List<string> problems)
    {
        var lines = new List<PlatformCheck>(checks.Count);
        foreach (var check in checks)
        {
            if (check.Digest is not { } digest || check.Status is PlatformCheckStatus.Missing or PlatformCheckStatus.Unexpected)
            {
                lines.Add(check);
                continue;
            }

            var findings = judge.JudgePlatform(check.Platform, digest, ids);
            problems.AddRange(findings);
            lines.Add(check with
            {
                Status = check.Status == PlatformCheckStatus.Ok && findings.Count > 0 ? PlatformCheckStatus.AttestationProblem : check.Status,
                AttestationStatements = judge.StatementsOf(digest),
                AttestationFindings = findings,
            });
        }

        problems.AddRange(manifests.Where(m => m.Problem is not null).Select(m => $"the attestation manifest {DeepFinding.Short(m.Digest)} could not be read: {m.Problem}."));
        if (ids.Contains(AttestationCheck.AttestationSubject))
        {
            problems.AddRange(judge.JudgeSubjects());
        }

        return lines;
    }
}
