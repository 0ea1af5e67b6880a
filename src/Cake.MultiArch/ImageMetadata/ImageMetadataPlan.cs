using System.Text.RegularExpressions;
using Cake.Core;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Checks <see cref="ImageMetadataSettings"/> before git or anything else runs.</summary>
internal static partial class ImageMetadataPlan
{
    public static void Validate(ImageMetadataSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var image in settings.Images)
        {
            // As metadata-action, names are lower-cased (Docker refuses upper-case repositories).
            if (image is null)
            {
                throw Error("a null image name", "Images", "a name such as 'ghcr.io/acme/app'", "null", "Remove the null entry.");
            }

            if (ImageReference.TryParseCore(image.ToLowerInvariant(), out var reference) is { } error)
            {
                throw Error("an invalid image name", "Images", "a name such as 'ghcr.io/acme/app'", Quote(image), error);
            }

            if (reference!.Tag is not null || reference.Digest is not null)
            {
                throw Error("an image name with a tag or digest", "Images", "a name without ':TAG' or '@DIGEST', such as 'ghcr.io/acme/app'", Quote(image), "Remove the tag or digest: the rules make the tags.");
            }
        }

        if (settings.Flavor is null)
        {
            throw Error("no flavor", "Flavor", "a MetadataFlavor", "null", "Leave Flavor as it is or set a new MetadataFlavor.");
        }

        CheckAffix(settings.Flavor.Prefix, "Flavor.Prefix");
        CheckAffix(settings.Flavor.Suffix, "Flavor.Suffix");
        foreach (var rule in settings.Tags)
        {
            CheckRule(rule);
        }

        if (settings.Ref is not null && !settings.Ref.StartsWith("refs/", StringComparison.Ordinal))
        {
            throw Error("an invalid ref", "Ref", "a full ref such as 'refs/heads/main', 'refs/tags/v1.2.3' or 'refs/pull/5/merge'", Quote(settings.Ref), "Write the full ref.");
        }

        if (settings.NoRef && settings.Ref is not null)
        {
            throw Error("both a ref and NoRef", "Ref", "either Ref or NoRef = true", Quote(settings.Ref), "Set one of them: Ref names the ref, NoRef says there is none.");
        }

        if (settings.NoCommit && settings.Sha is not null)
        {
            throw Error("both a commit and NoCommit", "Sha", "either Sha or NoCommit = true", Quote(settings.Sha), "Set one of them: Sha names the commit, NoCommit says there is none.");
        }

        CheckSha(settings.Sha, "Sha");
        CheckSha(settings.PullRequestHeadSha, "PullRequestHeadSha");
        if (settings.PullRequestNumber is <= 0)
        {
            throw Error("an invalid pull request number", "PullRequestNumber", "a number above 0", settings.PullRequestNumber.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "Pass the pull request's number, or leave it unset.");
        }

        if (settings.EventName is { } eventName && string.IsNullOrWhiteSpace(eventName))
        {
            throw Error("an empty event", "EventName", "an event such as 'push', 'pull_request' or 'schedule'", Quote(eventName), "Set the event or leave it unset.");
        }

        if (settings.DefaultBranch is { } branch && string.IsNullOrWhiteSpace(branch))
        {
            throw Error("an empty default branch", "DefaultBranch", "a branch name such as 'main'", Quote(branch), "Set the branch or leave it unset.");
        }

        foreach (var (key, setting) in settings.Labels.Keys.Select(k => (k, "Labels")).Concat(settings.Annotations.Keys.Select(k => (k, "Annotations"))))
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                throw Error("an empty key", setting, "a key such as 'org.opencontainers.image.vendor'", Quote(key), "Give every entry a key.");
            }
        }
    }

    private static void CheckRule(TagRule? rule)
    {
        if (rule is null)
        {
            throw Error("a null rule", "Tags", "rules made by TagRule.BranchName(), TagRule.Semver(…), … or TagRule.Parse(…)", "null", "Remove the null entry.");
        }

        var subject = $"Tags rule '{rule}'";
        switch (rule.Type)
        {
            case TagRuleType.Raw when string.IsNullOrEmpty(rule.Value):
                throw Error("no value", subject, "a value such as 'stable'", Quote(rule.Value), "Set Value (value=).");
            case TagRuleType.Semver:
                if (string.IsNullOrEmpty(rule.Pattern))
                {
                    throw Error("no pattern", subject, "a pattern such as '{{version}}' or '{{major}}.{{minor}}'", Quote(rule.Pattern), "Set Pattern (pattern=).");
                }

                if (Placeholders.FirstUnknown(rule.Pattern, "version", "major", "minor", "patch", "raw") is not null || !rule.Pattern.Contains("{{", StringComparison.Ordinal))
                {
                    throw Error("an invalid pattern", subject, "a pattern with {{version}}, {{major}}, {{minor}}, {{patch}} or {{raw}}", Quote(rule.Pattern), "Use only these placeholders (a fixed tag is a raw rule).");
                }

                CheckSemverMatch(rule, subject);
                break;
            case TagRuleType.Match:
                CheckMatch(rule, subject);
                break;
            case TagRuleType.Sha when rule.ShortShaLength is < 1 or > 64:
                throw Error("an invalid short sha length", subject, "1 to 64 characters", rule.ShortShaLength.ToString(System.Globalization.CultureInfo.InvariantCulture), "Set ShortShaLength, or LongSha for the full id.");
            case TagRuleType.Edge when rule.Branch is not null && string.IsNullOrWhiteSpace(rule.Branch):
                throw Error("an empty branch", subject, "a branch name such as 'develop'", Quote(rule.Branch), "Set Branch or leave it unset for the default branch.");
            case TagRuleType.Schedule when Placeholders.FirstUnknown(rule.Pattern, "branch", "tag", "sha") is { } unknownInPattern:
                throw Error("an unknown expression in the pattern", subject, Placeholders.Global, Quote(unknownInPattern), "Fix the expression.");
        }

        foreach (var (name, value) in new[] { ("value", rule.Type is TagRuleType.Semver or TagRuleType.Match ? null : rule.Value), ("prefix", rule.Prefix), ("suffix", rule.Suffix) })
        {
            if (Placeholders.FirstUnknown(value, "branch", "tag", "sha") is { } unknown)
            {
                throw Error($"an unknown expression in the {name}", subject, Placeholders.Global, Quote(unknown), "Fix the expression.");
            }
        }

        var zone = rule.TimeZone is { Length: > 0 } z && !TimeZoneInfo.TryFindSystemTimeZoneById(z, out _) ? z : Placeholders.FirstUnknownTimeZone(rule.Pattern) ?? Placeholders.FirstUnknownTimeZone(rule.Value);
        if (zone is not null)
        {
            throw Error("an unknown time zone", subject, "an IANA time zone such as 'Europe/Paris' or 'UTC'", Quote(zone), "Fix the time zone.");
        }
    }

    private static void CheckMatch(TagRule rule, string subject)
    {
        if (string.IsNullOrEmpty(rule.Pattern))
        {
            throw Error("no pattern", subject, @"a regular expression such as '\d+\.\d+'", Quote(rule.Pattern), "Set Pattern (pattern=).");
        }

        var (expression, error) = MatchExpression.Create(rule.Pattern);
        if (expression is null)
        {
            throw Error("an invalid regular expression", subject, @"a .NET regular expression such as 'v(\d+\.\d+)', or '/EXPRESSION/FLAGS' with flags " + MatchExpression.Flags, Quote(rule.Pattern), error!);
        }

        var groups = expression.MaxGroup;
        if (rule.Group < 0 || (!expression.Global && rule.Group > groups))
        {
            throw Error("a group the pattern does not have", subject, $"a group from 0 to {groups}", rule.Group.ToString(System.Globalization.CultureInfo.InvariantCulture), "Fix Group (group=) or add the group to the pattern.");
        }
    }

    private static void CheckSemverMatch(TagRule rule, string subject)
    {
        if (rule.MatchPattern is not { Length: > 0 } pattern)
        {
            return;
        }

        Regex regex;
        try
        {
            regex = UserRegex.Create(pattern);
        }
        catch (ArgumentException e)
        {
            throw Error("an invalid match expression", subject, @"a .NET regular expression whose first group is the version, such as 'v(\d+\.\d+\.\d+)$'", Quote(pattern), e.Message);
        }

        if (regex.GetGroupNumbers().Max() < 1)
        {
            throw Error("a match expression without a group", subject, @"a regular expression whose first group is the version, such as 'v(\d+\.\d+\.\d+)$'", Quote(pattern), "Put the version part in parentheses.");
        }
    }

    private static void CheckAffix(string? value, string setting)
    {
        if (value is null || !AffixPattern().IsMatch(value))
        {
            throw Error("characters a tag cannot hold", setting, "letters, digits, '_', '.' and '-'", Quote(value), "Remove the other characters.");
        }
    }

    private static void CheckSha(string? value, string setting)
    {
        if (value is not null && !ShaPattern().IsMatch(value))
        {
            throw Error("an invalid commit id", setting, "7 to 64 lower-case hex digits", Quote(value), "Pass the commit id (git rev-parse HEAD), or leave it unset.");
        }
    }

    private static string Quote(string? value) => value is null ? "null" : $"'{value}'";

    private static CakeException Error(string what, string subject, string expected, string found, string fix) =>
        new($"ImageMetadata: {what} for {subject}; expected {expected}, found {found}. {fix}");

    [GeneratedRegex("^[A-Za-z0-9_.-]*$")]
    private static partial Regex AffixPattern();

    [GeneratedRegex("^[0-9a-f]{7,64}$")]
    private static partial Regex ShaPattern();
}
