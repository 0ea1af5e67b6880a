using Cake.MultiArch.Registry;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The checks BuildxBuild's settings share across list and dictionary settings: nulls, keys, cache refs.</summary>
internal static class SettingProblems
{
    /// <summary>Adds a problem for each registry cache entry whose ref is not an image reference (checked before buildx runs).</summary>
    /// <param name="problems">Where the problems go.</param>
    /// <param name="setting">The setting's name, for the message.</param>
    /// <param name="entries">The cache entries.</param>
    public static void AddCacheRefProblems(List<string> problems, string setting, IList<CacheEntry> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is { Type: CacheType.Registry } entry && ImageReference.TryParseCore(entry.Ref, out _) is { } error)
            {
                problems.Add($"{setting} entry {i + 1} (type=registry) has the ref '{entry.Ref}', which is not an image reference: {error} Expected the image that holds the cache, such as 'registry.example.com/app:buildcache'.");
            }
        }
    }

    /// <summary>Adds a problem for each null item of a list setting.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="problems">Where the problems go.</param>
    /// <param name="setting">The setting's name, for the message.</param>
    /// <param name="items">The items.</param>
    public static void AddNulls<T>(List<string> problems, string setting, IList<T> items)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                problems.Add($"{setting} holds null at position {i + 1}; expected a value, found null. Remove the null entry (a variable that was never set?).");
            }
        }
    }

    /// <summary>Adds a problem for each empty key, or key with '=', of a dictionary setting (buildx reads KEY=VALUE).</summary>
    /// <param name="problems">Where the problems go.</param>
    /// <param name="setting">The setting's name, for the message.</param>
    /// <param name="keys">The keys.</param>
    public static void AddKeyProblems(List<string> problems, string setting, IEnumerable<string> keys)
    {
        foreach (var key in keys.Where(k => string.IsNullOrWhiteSpace(k) || k.Contains('=')))
        {
            problems.Add($"{setting} has an invalid key '{key}'; keys must be non-empty and contain no '='.");
        }
    }
}
