namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>The options of the deep checks, copied from the settings.</summary>
/// <param name="Disabled">Check ids switched off.</param>
/// <param name="AsErrors">Check ids whose warnings are errors.</param>
/// <param name="EveryElf">Loader and library checks cover every ELF file.</param>
/// <param name="IgnoredPaths">Path prefixes no check but <c>Entrypoint</c> looks at.</param>
/// <param name="MaxShown">How many files a finding names.</param>
internal sealed record DeepOptions(IReadOnlySet<string> Disabled, IReadOnlySet<string> AsErrors, bool EveryElf, IReadOnlyList<string> IgnoredPaths, int MaxShown)
{
    /// <summary>Copies the options out of the settings (which are never written to).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The options.</returns>
    public static DeepOptions From(VerifyManifestSettings settings) => new(
        settings.DisabledDeepChecks.ToHashSet(StringComparer.Ordinal),
        settings.DeepChecksAsErrors.ToHashSet(StringComparer.Ordinal),
        settings.DeepCheckEveryElf,
        settings.IgnoredPaths.ToArray(),
        Math.Max(0, settings.MaxOffendersShown));
}
