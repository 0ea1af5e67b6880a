namespace Cake.MultiArch.Platforms;

/// <summary>Parsing, formatting and de-duplication of platform lists such as <c>linux/amd64,linux/arm64</c>.</summary>
public static class PlatformList
{
    /// <summary>Parses a comma-separated list of platforms, dropping duplicates after normalisation (first wins).</summary>
    /// <param name="value">The list, such as <c>linux/amd64,linux/arm64</c>.</param>
    /// <returns>The normalised platforms, in order, without duplicates.</returns>
    /// <exception cref="ArgumentException">An item is not a platform; the message names it and lists the accepted values.</exception>
    public static IReadOnlyList<Platform> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Distinct(value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Platform.Parse));
    }

    /// <summary>Drops duplicates from a platform sequence, keeping the first of each and the order.</summary>
    /// <param name="platforms">The platforms.</param>
    /// <returns>The platforms without duplicates.</returns>
    public static IReadOnlyList<Platform> Distinct(IEnumerable<Platform> platforms) => platforms.Distinct().ToArray();

    /// <summary>Finds the platforms that occur more than once, in order of their first repeat.</summary>
    /// <param name="platforms">The platforms.</param>
    /// <returns>Each repeated platform once.</returns>
    public static IReadOnlyList<Platform> Duplicates(IEnumerable<Platform> platforms)
    {
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
    public static string Format(IEnumerable<Platform> platforms) => string.Join(',', platforms.Select(p => p.ToString()));
}
