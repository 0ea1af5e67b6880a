using System.Globalization;
using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Turns tag rules, a flavor and a context into tags, labels and annotations (no process, no I/O).</summary>
internal static partial class TagRuleEvaluator
{
    public const string OciPrefix = "org.opencontainers.image.";

    public static IReadOnlyList<TagRule> DefaultRules =>
        [TagRule.Schedule(), TagRule.BranchName(), TagRule.GitTag(), TagRule.PullRequest()];

    /// <summary>Replaces every run of characters a tag cannot hold with <c>-</c>.</summary>
    public static string Sanitize(string value) => NotTagCharacters().Replace(value, "-");

    public static ImageMetadataResult Compute(ImageMetadataSettings settings, MetadataContext context, ICakeLog log)
    {
        var rules = settings.Tags.Count == 0 ? DefaultRules : settings.Tags.ToList();
        var made = new List<(int Priority, int Index, string Tag, bool Release)>();
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (!rule.Enable || Evaluate(rule, context, log) is not { } outcome)
            {
                continue;
            }

            var prefix = Placeholders.Expand(rule.Prefix ?? DefaultPrefix(rule) ?? settings.Flavor.Prefix, context, rule.TimeZone);
            var suffix = Placeholders.Expand(rule.Suffix ?? settings.Flavor.Suffix, context, rule.TimeZone);
            made.Add((rule.EffectivePriority, index, CheckTag(rule, Sanitize(prefix + outcome.Value + suffix)), outcome.Release));
        }

        // As metadata-action: the highest-priority tag decides whether latest is added.
        var ordered = made.OrderByDescending(m => m.Priority).ThenBy(m => m.Index).ToList();
        var names = ordered.Select(m => m.Tag).Distinct(StringComparer.Ordinal).ToList();
        var latestSuppressed = rules.Any(r => r.Type == TagRuleType.Raw && !r.Enable && r.Value == "latest");
        var addLatest = !latestSuppressed && ordered.Count > 0 && settings.Flavor.Latest switch
        {
            LatestMode.True => true,
            LatestMode.Auto => ordered[0].Release,
            _ => false,
        };
        if (addLatest)
        {
            var latest = Sanitize((settings.Flavor.PrefixOnLatest ? settings.Flavor.Prefix : string.Empty) + "latest" + (settings.Flavor.SuffixOnLatest ? settings.Flavor.Suffix : string.Empty));
            if (!names.Contains(latest))
            {
                names.Add(latest);
            }
        }

        var version = names.Count > 0 ? names[0] : string.Empty;
        var images = settings.Images.Select(i => i.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var tags = images.Count == 0 ? names : images.SelectMany(image => names.Select(name => image + ":" + name)).ToList();
        var oci = OciValues(settings, context, version);
        var labels = new Dictionary<string, string>(oci, StringComparer.Ordinal);
        foreach (var (key, value) in settings.Labels)
        {
            labels[key] = value;
        }

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in oci.Concat(settings.Annotations))
        {
            if (LevelPrefix().IsMatch(key))
            {
                annotations[key] = value;
                continue;
            }

            if (settings.AnnotationLevels.HasFlag(AnnotationLevels.Manifest))
            {
                annotations["manifest:" + key] = value;
            }

            if (settings.AnnotationLevels.HasFlag(AnnotationLevels.Index))
            {
                annotations["index:" + key] = value;
            }
        }

        return new ImageMetadataResult(version, names, tags, labels, annotations, context);
    }

    private static string CheckTag(TagRule rule, string tag) =>
        TagPattern().IsMatch(tag)
            ? tag
            : throw new CakeException(
                $"ImageMetadata: rule '{rule}' made an invalid tag for Tags; expected 1 to 128 characters of [A-Za-z0-9_.-] not starting with '.' or '-', found '{tag}'. Change the rule's prefix, suffix or value, or disable it for this build.");

    internal static string? DefaultPrefix(TagRule rule) => rule.Type switch
    {
        TagRuleType.Sha => "sha-",
        TagRuleType.Ref when rule.Event == RefEvent.PullRequest => "pr-",
        _ => null,
    };

    private static List<KeyValuePair<string, string>> OciValues(ImageMetadataSettings settings, MetadataContext context, string version)
    {
        var values = new (string Key, string? Value)[]
        {
            ("title", settings.Title ?? context.RepositoryName),
            ("description", settings.Description ?? context.Description),
            ("url", settings.Url ?? context.RepositoryUrl),
            ("source", settings.Source ?? context.RepositoryUrl),
            ("version", version),
            ("created", context.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            ("revision", context.EffectiveSha),
            ("licenses", settings.Licenses ?? context.License),
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => KeyValuePair.Create(OciPrefix + v.Key, v.Value!)).ToList();
    }

    private static (string Value, bool Release)? Evaluate(TagRule rule, MetadataContext context, ICakeLog log)
    {
        var pullRequest = context.PullRequestNumber is not null;
        switch (rule.Type)
        {
            case TagRuleType.Ref when rule.Event == RefEvent.Branch:
                return context.BranchName is { } branch && !pullRequest ? (Sanitize(branch), false) : null;
            case TagRuleType.Ref when rule.Event == RefEvent.Tag:
                return context.TagName is { } tag ? (Sanitize(tag), !IsPreRelease(tag)) : null;
            case TagRuleType.Ref:
                return context.PullRequestNumber is { } number ? (number.ToString(CultureInfo.InvariantCulture), false) : null;
            case TagRuleType.Semver:
                return EvaluateSemver(rule, rule.Value ?? context.TagName, log);
            case TagRuleType.Match:
                var source = rule.Value ?? context.TagName;
                if (source is null)
                {
                    return null;
                }

                var picked = MatchExpression.Create(rule.Pattern!).Expression!.Pick(source, rule.Group);
                return picked is { Length: > 0 } ? (picked, !IsPreRelease(source)) : null;
            case TagRuleType.Sha:
                return context.EffectiveSha is { } sha ? (rule.LongSha ? sha : sha[..Math.Min(rule.ShortShaLength, sha.Length)], false) : null;
            case TagRuleType.Edge:
                var edgeBranch = rule.Branch ?? context.DefaultBranch;
                return !pullRequest && edgeBranch is not null && context.BranchName == edgeBranch
                    ? (Placeholders.Expand(rule.Value ?? "edge", context, rule.TimeZone), false)
                    : null;
            case TagRuleType.Schedule:
                return context.EventName == "schedule" ? (Placeholders.Expand(rule.Pattern ?? "nightly", context, rule.TimeZone), false) : null;
            default:
                var raw = Placeholders.Expand(rule.Value!, context, rule.TimeZone);
                return raw.Length > 0 ? (raw, false) : null;
        }
    }

    private static (string Value, bool Release)? EvaluateSemver(TagRule rule, string? source, ICakeLog log)
    {
        if (source is null)
        {
            return null;
        }

        if (rule.MatchPattern is { Length: > 0 } matchPattern)
        {
            var match = UserRegex.Create(matchPattern).Match(source);
            if (match.Success)
            {
                source = match.Groups[1].Value;
            }
            else
            {
                log.Warning("ImageMetadata: match expression '{0}' of rule '{1}' does not match '{2}'; the whole text is read.", matchPattern, rule, source);
            }
        }

        source = source.Replace('/', '-');
        var version = SemanticVersion.TryParse(source);
        if (version is null)
        {
            log.Warning("ImageMetadata: '{0}' is not a semantic version (MAJOR.MINOR.PATCH with an optional 'v' and -pre-release); rule '{1}' makes no tag.", source, rule);
            return null;
        }

        var pattern = rule.Pattern!;
        if (version.PreRelease is not null && !RawStatement().IsMatch(pattern))
        {
            // A pre-release only makes its full version (or the raw text when the pattern is {{raw}} alone), as metadata-action.
            pattern = "{{version}}";
        }
        else if (version.Major == 0 && pattern.Contains("{{major}}", StringComparison.Ordinal) && !new[] { "{{minor}}", "{{patch}}", "{{version}}", "{{raw}}" }.Any(p => pattern.Contains(p, StringComparison.Ordinal)))
        {
            log.Verbose("ImageMetadata: rule '{0}' makes no tag for {1}: major version zero is not stable.", rule, source);
            return null;
        }

        var value = SemverExpression().Replace(pattern, m => m.Groups[1].Value switch
        {
            "version" => version.Version,
            "major" => version.Major.ToString(CultureInfo.InvariantCulture),
            "minor" => version.Minor.ToString(CultureInfo.InvariantCulture),
            "patch" => version.Patch.ToString(CultureInfo.InvariantCulture),
            _ => source,
        });
        return (value, version.PreRelease is null);
    }

    private static bool IsPreRelease(string tag) => SemanticVersion.TryParse(tag) is { PreRelease: not null };

    [GeneratedRegex(@"^\{\{\s*raw\s*\}\}$")]
    internal static partial Regex RawStatement();

    [GeneratedRegex(@"\{\{\s*(version|major|minor|patch|raw)\s*\}\}")]
    private static partial Regex SemverExpression();

    [GeneratedRegex(@"[^A-Za-z0-9._-]+")]
    private static partial Regex NotTagCharacters();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^(?:index|manifest|index-descriptor|manifest-descriptor)(?:\[[^\]]+\])?:")]
    internal static partial Regex LevelPrefix();
}
