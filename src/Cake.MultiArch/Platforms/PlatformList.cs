using Cake.Core;

namespace Cake.MultiArch.Platforms;

/// <summary>Parsing, formatting and de-duplication of platform lists such as <c>linux/amd64,linux/arm64</c>.</summary>
internal static class PlatformList
{
    /// <summary>
    /// Parses a comma-separated list of platforms, dropping duplicates after normalisation (first
    /// wins). Empty items between commas are ignored (<c>linux/amd64,,linux/arm64</c>), but a list
    /// that names no platform at all is an error: an empty list never means "every platform".
    /// </summary>
    /// <param name="value">The list, such as <c>linux/amd64,linux/arm64</c>.</param>
    /// <returns>The normalised platforms, in order, without duplicates; never empty.</returns>
    /// <exception cref="CakeException">
    /// The list is <see langword="null"/>, empty, white space or only commas (<c>--platforms=,</c>).
    /// </exception>
    /// <exception cref="ArgumentException">An item is not a platform; the message names it and lists the accepted values.</exception>
    public static IReadOnlyList<Platform> Parse(string value)
    {
        var items = value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (items.Length == 0)
        {
            var found = value is null ? "null" : $"'{value}'";
            throw new CakeException($"The platform list names no platform; expected a comma-separated list such as 'linux/amd64,linux/arm64', found {found}. Name at least one platform, one of {Platform.AcceptedValues}.");
        }

        return Distinct(items.Select(Platform.Parse));
    }

    /// <summary>
    /// Checks a platform setting the way every alias does, before anything starts: the list is
    /// not <see langword="null"/>, not empty (unless <paramref name="allowEmpty"/>), and holds no
    /// <c>default(Platform)</c>. Runners add the returned problems to their own list and prefix
    /// each with their alias name (<see cref="ThrowIfInvalid"/> does both).
    /// </summary>
    /// <param name="setting">The setting's name as the user writes it, such as <c>Platforms</c> or <c>ExpectedPlatforms</c>.</param>
    /// <param name="platforms">The setting's value.</param>
    /// <param name="allowEmpty">Whether an empty list is valid (for settings where empty has a documented meaning).</param>
    /// <returns>One message per problem (without the alias prefix), empty when the setting is valid.</returns>
    public static IReadOnlyList<string> Validate(string setting, IEnumerable<Platform>? platforms, bool allowEmpty = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(setting);
        if (platforms is null)
        {
            return [$"{setting} is null; expected a list of platforms such as 'linux/arm64', found null. Add platforms to the list instead of replacing it."];
        }

        var problems = new List<string>();
        var count = 0;
        foreach (var platform in platforms)
        {
            if (platform.IsDefault)
            {
                problems.Add($"{setting}[{count}] is an empty platform (default(Platform)); expected a platform made by Platform.Parse or a string such as 'linux/arm64', found an uninitialised value. Use one of {Platform.AcceptedValues}.");
            }

            count++;
        }

        if (count == 0 && !allowEmpty)
        {
            problems.Add($"{setting} is empty; expected at least one platform such as 'linux/arm64', found none. Add the platforms, one of {Platform.AcceptedValues}.");
        }

        return problems;
    }

    /// <summary>Checks a platform setting (see <see cref="Validate"/>) and throws when it is invalid.</summary>
    /// <param name="alias">The alias name that prefixes each message, such as <c>EnsureBuilder</c>.</param>
    /// <param name="setting">The setting's name, such as <c>RequiredPlatforms</c>.</param>
    /// <param name="platforms">The setting's value.</param>
    /// <param name="allowEmpty">Whether an empty list is valid.</param>
    /// <exception cref="CakeException">The setting is invalid: one line per problem, each <c>"&lt;alias&gt;: &lt;problem&gt;"</c>.</exception>
    public static void ThrowIfInvalid(string alias, string setting, IEnumerable<Platform>? platforms, bool allowEmpty = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(alias);
        var problems = Validate(setting, platforms, allowEmpty);
        if (problems.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, problems.Select(p => $"{alias}: {p}")));
        }
    }

    /// <summary>Drops duplicates from a platform sequence, keeping the first of each and the order.</summary>
    /// <param name="platforms">The platforms.</param>
    /// <returns>The platforms without duplicates.</returns>
    public static IReadOnlyList<Platform> Distinct(IEnumerable<Platform> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        return platforms.Distinct().ToArray();
    }

    /// <summary>Finds the platforms that occur more than once, in order of their first repeat.</summary>
    /// <param name="platforms">The platforms.</param>
    /// <returns>Each repeated platform once.</returns>
    public static IReadOnlyList<Platform> Duplicates(IEnumerable<Platform> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        var seen = new HashSet<Platform>();
        var repeated = new List<Platform>();
        foreach (var platform in platforms)
        {
            if (!seen.Add(platform) && !repeated.Contains(platform))
            {
                repeated.Add(platform);
            }
        }

        return repeated;
    }

    /// <summary>Formats platforms as the one comma list buildx's <c>--platform</c> takes.</summary>
    /// <param name="platforms">The platforms.</param>
    /// <returns>The list, such as <c>linux/amd64,linux/arm64</c>.</returns>
    public static string Format(IEnumerable<Platform> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        return string.Join(',', platforms.Select(p => p.ToString()));
    }
}
