using System.Globalization;
using System.Text;
using Cake.Core;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Reads docker/metadata-action's one-line tag rule syntax: comma-separated <c>key=value</c> pairs, values with commas in double quotes.</summary>
internal static class TagRuleParser
{
    private const string Keys = "type, event, pattern, match, value, group, format, prefix, suffix, branch, tz, enable, priority";

    public static TagRule Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            throw Error("an empty rule", line, "a rule such as 'type=ref,event=branch'", "Pass one rule per line.");
        }

        var fields = Split(line);
        if (fields.Count == 1 && !fields[0].Contains('=', StringComparison.Ordinal))
        {
            return TagRule.Raw(fields[0]);
        }

        var pairs = Pairs(fields, line);
        var rule = new TagRule { Type = TagRuleType.Raw };
        foreach (var (key, value) in pairs.Where(p => p.Key == "type"))
        {
            rule.Type = Enum.GetValues<TagRuleType>().FirstOrDefault(t => TagRule.TypeName(t) == value.Trim(), (TagRuleType)(-1));
            if (!Enum.IsDefined(rule.Type))
            {
                throw Error($"an unknown type '{value}'", line, "one of ref, semver, match, sha, edge, schedule, raw", "Fix the type (pep440 is not supported: use semver or match).");
            }
        }

        foreach (var (key, value) in pairs.Where(p => p.Key != "type"))
        {
            Apply(rule, key, value, line);
        }

        if (rule.Type == TagRuleType.Ref && !pairs.Any(p => p.Key == "event"))
        {
            throw Error("a ref rule without 'event='", line, "event=branch, event=tag or event=pr", "Add the event the rule reads.");
        }

        return rule;
    }

    private static List<(string Key, string Value)> Pairs(List<string> fields, string line)
    {
        var pairs = new List<(string Key, string Value)>();
        foreach (var field in fields)
        {
            var eq = field.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                // As metadata-action: a field without '=' is the value, wherever it stands (type=raw,priority=2000,foo).
                pairs.Add(("value", field));
                continue;
            }

            if (eq <= 0)
            {
                throw Error($"a field with an empty key ('{field}')", line, $"key=value fields with keys {Keys}, or a bare value", "Write the key before '='.");
            }

            pairs.Add((field[..eq].Trim().ToLowerInvariant(), field[(eq + 1)..]));
        }

        return pairs;
    }

    private static void Apply(TagRule rule, string key, string value, string line)
    {
        switch (key)
        {
            case "event":
                rule.Event = value.Trim() switch
                {
                    "branch" => RefEvent.Branch,
                    "tag" => RefEvent.Tag,
                    "pr" => RefEvent.PullRequest,
                    _ => throw Error($"an unknown event '{value}'", line, "event=branch, event=tag or event=pr", "Fix the event."),
                };
                break;
            case "pattern": rule.Pattern = value; break;
            case "match": rule.MatchPattern = value; break;
            case "value": rule.Value = value; break;
            case "prefix": rule.Prefix = value; break;
            case "suffix": rule.Suffix = value; break;
            case "branch": rule.Branch = value; break;
            case "tz": rule.TimeZone = value; break;
            case "group": rule.Group = Int(value, key, line); break;
            case "priority": rule.Priority = Int(value, key, line); break;
            case "format":
                rule.LongSha = value.Trim() switch
                {
                    "short" => false,
                    "long" => true,
                    _ => throw Error($"an unknown format '{value}'", line, "format=short or format=long", "Fix the format."),
                };
                break;
            case "enable":
                rule.Enable = value.Trim().ToLowerInvariant() switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw Error($"an enable value '{value}' that is not true or false", line, "enable=true or enable=false", "Compute the condition in the script and pass true or false (expressions such as {{is_default_branch}} are not evaluated)."),
                };
                break;
            default:
                throw Error($"an unknown key '{key}'", line, "one of " + Keys, "Remove or fix the key.");
        }
    }

    private static int Int(string value, string key, string line) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Error($"a {key} '{value}' that is not a whole number", line, $"{key}=<number>", $"Fix the {key}.");

    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw Error("an unclosed double quote", line, "values with commas in a pair of double quotes", "Close the quote.");
        }

        fields.Add(current.ToString().Trim());
        return fields.Where(f => f.Length > 0).ToList();
    }

    private static CakeException Error(string what, string? line, string expected, string fix) =>
        new($"ImageMetadata: TagRule.Parse found {what} for tag rule '{line}'; expected {expected}. {fix}");
}
