using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>The <c>{{…}}</c> expressions of rule values, prefixes, suffixes and schedule patterns: <c>{{branch}}</c>, <c>{{tag}}</c>, <c>{{sha}}</c>, <c>{{date 'YYYYMMDD'}}</c> (moment.js tokens, with an optional <c>tz='Zone'</c>).</summary>
internal static partial class Placeholders
{
    public const string Global = "{{branch}}, {{tag}}, {{sha}}, {{date 'FORMAT'}}";

    /// <summary>Returns the first expression that is not one of <paramref name="allowed"/> (or not a date), or <see langword="null"/>.</summary>
    public static string? FirstUnknown(string? text, params string[] allowed)
    {
        if (text is null)
        {
            return null;
        }

        foreach (Match match in Expression().Matches(text))
        {
            var body = match.Groups[1].Value.Trim();
            if (!allowed.Contains(body) && !Date().IsMatch(match.Value))
            {
                return match.Value;
            }
        }

        var rest = Expression().Replace(text, string.Empty);
        return rest.Contains("{{", StringComparison.Ordinal) || rest.Contains("}}", StringComparison.Ordinal) ? rest : null;
    }

    /// <summary>Returns the first time zone named in a date expression that this machine does not know, or <see langword="null"/>.</summary>
    public static string? FirstUnknownTimeZone(string? text) =>
        text is null ? null : Date().Matches(text).Select(m => m.Groups[2].Value).FirstOrDefault(z => z.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(z, out _));

    public static string Expand(string text, MetadataContext context, string? timeZone)
    {
        text = Date().Replace(text, m => FormatDate(context.Timestamp, m.Groups[1].Value, m.Groups[2].Value is { Length: > 0 } tz ? tz : timeZone));
        return Expression().Replace(text, m => m.Groups[1].Value.Trim() switch
        {
            "branch" => context.BranchName is { } b ? TagRuleEvaluator.Sanitize(b) : string.Empty,
            "tag" => context.TagName is { } t ? TagRuleEvaluator.Sanitize(t) : string.Empty,
            "sha" => context.EffectiveSha is { } s ? s[..Math.Min(7, s.Length)] : string.Empty,
            _ => m.Value,
        });
    }

    internal static string FormatDate(DateTimeOffset timestamp, string format, string? timeZone)
    {
        var zone = string.IsNullOrEmpty(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(timestamp, zone);
        var result = new StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            var token = new[] { "YYYY", "YY", "MM", "M", "DD", "D", "HH", "H", "mm", "m", "ss", "s", "SSS" }.FirstOrDefault(t => string.CompareOrdinal(format, i, t, 0, t.Length) == 0);
            if (token is null)
            {
                result.Append(format[i]);
                i++;
                continue;
            }

            result.Append(token switch
            {
                "YYYY" => local.Year.ToString("D4", CultureInfo.InvariantCulture),
                "YY" => (local.Year % 100).ToString("D2", CultureInfo.InvariantCulture),
                "MM" => local.Month.ToString("D2", CultureInfo.InvariantCulture),
                "M" => local.Month.ToString(CultureInfo.InvariantCulture),
                "DD" => local.Day.ToString("D2", CultureInfo.InvariantCulture),
                "D" => local.Day.ToString(CultureInfo.InvariantCulture),
                "HH" => local.Hour.ToString("D2", CultureInfo.InvariantCulture),
                "H" => local.Hour.ToString(CultureInfo.InvariantCulture),
                "mm" => local.Minute.ToString("D2", CultureInfo.InvariantCulture),
                "m" => local.Minute.ToString(CultureInfo.InvariantCulture),
                "ss" => local.Second.ToString("D2", CultureInfo.InvariantCulture),
                "s" => local.Second.ToString(CultureInfo.InvariantCulture),
                _ => local.Millisecond.ToString("D3", CultureInfo.InvariantCulture),
            });
            i += token.Length;
        }

        return result.ToString();
    }

    [GeneratedRegex(@"\{\{([^{}]*)\}\}")]
    private static partial Regex Expression();

    [GeneratedRegex(@"\{\{\s*date\s+'([^']*)'(?:\s+tz='([^']*)')?\s*\}\}")]
    private static partial Regex Date();
}
