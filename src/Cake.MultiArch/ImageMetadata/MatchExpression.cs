using System.Text.RegularExpressions;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>
/// The regular expression of a <c>type=match</c> rule: a .NET expression, or JavaScript's
/// <c>/EXPRESSION/FLAGS</c> form that metadata-action also reads (flags <c>i</c>, <c>m</c>, <c>s</c>, <c>g</c>).
/// </summary>
/// <param name="Regex">The compiled expression.</param>
/// <param name="Global">Whether the <c>g</c> flag was given: then, as JavaScript's <c>String.match</c>, the group number picks one of all the matches.</param>
internal sealed partial record MatchExpression(Regex Regex, bool Global)
{
    /// <summary>The flags the <c>/EXPRESSION/FLAGS</c> form accepts.</summary>
    public const string Flags = "i, m, s, g";

    /// <summary>Reads a pattern; returns the expression or the reason it cannot be read.</summary>
    public static (MatchExpression? Expression, string? Error) Create(string pattern)
    {
        var body = pattern;
        var options = RegexOptions.None;
        var global = false;
        if (JavaScriptForm().Match(pattern) is { Success: true } js)
        {
            body = js.Groups[1].Value;
            foreach (var flag in js.Groups[2].Value)
            {
                switch (flag)
                {
                    case 'i': options |= RegexOptions.IgnoreCase; break;
                    case 'm': options |= RegexOptions.Multiline; break;
                    case 's': options |= RegexOptions.Singleline; break;
                    case 'g': global = true; break;
                    default: return (null, $"The flag '{flag}' of '/{body}/{js.Groups[2].Value}' is not one of {Flags}.");
                }
            }
        }

        try
        {
            return (new MatchExpression(UserRegex.Create(body, options), global), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Gets the highest group number of the expression.</summary>
    public int MaxGroup => Regex.GetGroupNumbers().Max();

    /// <summary>Returns the text of <paramref name="group"/> in <paramref name="source"/> (with <c>g</c>: the match at that index), or <see langword="null"/>.</summary>
    public string? Pick(string source, int group)
    {
        if (Global)
        {
            var matches = Regex.Matches(source);
            return group < matches.Count ? matches[group].Value : null;
        }

        var match = Regex.Match(source);
        return match.Success && group < match.Groups.Count && match.Groups[group].Success ? match.Groups[group].Value : null;
    }

    [GeneratedRegex("^/(.+)/([A-Za-z]*)$")]
    private static partial Regex JavaScriptForm();
}
