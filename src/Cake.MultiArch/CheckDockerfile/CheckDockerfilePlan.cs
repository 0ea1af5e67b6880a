using Cake.Core;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// CheckDockerfile's pure part: the checks of its settings before anything is read, the findings
/// the base images' platforms make, and the order and severity of the findings it returns.
/// </summary>
internal static class CheckDockerfilePlan
{
    /// <summary>Checks the settings before anything is read.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="alias">The alias messages start with.</param>
    /// <exception cref="CakeException">One or more settings are invalid (all listed).</exception>
    public static void Validate(CheckDockerfileSettings settings, string alias)
    {
        var problems = new List<string>();
        foreach (var rule in settings.DisabledRules.Where(r => !DockerfileRules.All.Contains(r)))
        {
            problems.Add($"DisabledRules has '{rule}', which is not a preflight rule; expected one of {string.Join(", ", DockerfileRules.All)}. Use the DockerfileRules constants.");
        }

        if (PlatformList.Duplicates(settings.Platforms) is { Count: > 0 } duplicates)
        {
            problems.Add($"Platforms lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once (after normalisation); expected each platform once.");
        }

        if (settings.Platforms.Any(p => p.Info is null) || settings.BuildPlatform is { Info: null })
        {
            problems.Add($"Platforms or BuildPlatform holds an empty value (default(Platform)); expected platforms made by Platform.Parse, one of {Platform.AcceptedValues}.");
        }

        if (settings.MaxParallel < 1)
        {
            problems.Add($"MaxParallel is {settings.MaxParallel}; expected 1 or more.");
        }

        if (settings.Registry.MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts is {settings.Registry.MaxAttempts}; expected 1 or more.");
        }

        if (settings.Registry.RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"RequestTimeout is {settings.Registry.RequestTimeout}; expected a positive time, such as 10 seconds.");
        }

        problems.AddRange(settings.Registry.InsecureRegistryProblems());

        if (problems.Count > 0)
        {
            throw new CakeException($"{alias}: " + string.Join(System.Environment.NewLine + $"{alias}: ", problems));
        }
    }

    /// <summary>Drops the findings of disabled rules, raises severities as the options ask, and orders them by line, then rule.</summary>
    /// <param name="findings">The findings.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The findings the result holds.</returns>
    public static DockerfileFinding[] Order(IEnumerable<DockerfileFinding> findings, CheckDockerfileSettings settings) =>
        findings
            .Where(f => !settings.DisabledRules.Contains(f.RuleId))
            .Select(f => f with { Severity = Raise(f, settings) })
            .OrderBy(f => f.Line)
            .ThenBy(f => DockerfileRules.All.ToList().IndexOf(f.RuleId))
            .ToArray();

    private static FindingSeverity Raise(DockerfileFinding finding, DockerfileCheckOptions options) => finding.Severity switch
    {
        FindingSeverity.Warning when options.WarningsAsErrors => FindingSeverity.Error,
        FindingSeverity.Info when options.UnknownAsError && finding.RuleId == DockerfileRules.BaseImageUnknown => FindingSeverity.Error,
        _ => finding.Severity,
    };

    public static IEnumerable<DockerfileFinding> BaseImageFindings(string file, IReadOnlyList<BaseImageNeed> needs, IReadOnlyList<BaseImageStatus> images)
    {
        foreach (var status in images.Where(s => s.State != BaseImageState.Ok))
        {
            foreach (var line in needs.Where(n => n.Image == status.Image).GroupBy(n => (n.Line, n.Where)))
            {
                var needed = line.Select(n => n.Platform).Distinct().ToArray();
                var missing = needed.Where(p => !status.Served.Contains(p)).ToArray();
                switch (status.State)
                {
                    case BaseImageState.PlatformMissing when missing.Length > 0:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImagePlatformMissing,
                            FindingSeverity.Warning,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image} for {PlatformList.Format(missing)}, which it does not serve; it serves {(status.Served.Count == 0 ? "no platform" : PlatformList.Format(status.Served))}.",
                            $"Use a base image (tag) that serves {PlatformList.Format(missing)}, or remove {PlatformList.Format(missing)} from Platforms.");
                        break;
                    case BaseImageState.NotFound:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImageNotFound,
                            FindingSeverity.Warning,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image}, which its registry does not have: {status.Error}",
                            "Fix the image name or tag, or push the image first.");
                        break;
                    case BaseImageState.Unknown:
                        yield return new DockerfileFinding(
                            DockerfileRules.BaseImageUnknown,
                            FindingSeverity.Info,
                            file,
                            line.Key.Line,
                            $"{line.Key.Where} pulls {status.Image}: unknown whether it serves {PlatformList.Format(needed)}, because its registry could not be asked: {status.Error}",
                            "Check the registry's address and credentials (docker login), or list it in InsecureRegistries; set UnknownAsError to fail on this.");
                        break;
                }
            }
        }
    }
}
