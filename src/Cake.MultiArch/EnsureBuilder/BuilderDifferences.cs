namespace Cake.MultiArch.EnsureBuilder;

/// <summary>How an existing builder differs from EnsureBuilder's settings, in words.</summary>
internal static class BuilderDifferences
{
    /// <summary>Lists how an existing builder differs from the settings (driver, options, daemon flags, remote endpoint).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder as inspected.</param>
    /// <returns>The differences, in words.</returns>
    public static List<string> Differences(EnsureBuilderSettings settings, EnsureBuilderResult builder)
    {
        var differences = new List<string>();
        var wantedDriver = EnsureBuilderMessages.DriverName(settings.Driver);
        if (builder.Driver != wantedDriver)
        {
            differences.Add($"driver is '{builder.Driver}', the settings want '{wantedDriver}'");
        }

        var first = builder.Nodes.FirstOrDefault();
        foreach (var (key, value) in EnsureBuilderCommands.EffectiveOptions(settings.DriverOptions, settings.Kubernetes))
        {
            var actual = first?.DriverOptions.TryGetValue(key, out var v) == true ? v : null;
            if (actual != value)
            {
                differences.Add(actual is null ? $"driver option {key} is not set, the settings want '{value}'" : $"driver option {key} is '{actual}', the settings want '{value}'");
            }
        }

        if (!string.IsNullOrWhiteSpace(settings.BuildkitdFlags) && first?.DaemonFlags is { } flags && WithoutHostEntitlement(settings, Normalise(flags)) != Normalise(settings.BuildkitdFlags))
        {
            differences.Add($"BuildKit daemon flags are '{flags}', the settings want '{settings.BuildkitdFlags}'");
        }

        if (!string.IsNullOrEmpty(settings.Endpoint) && first?.Endpoint is { } endpoint && endpoint != settings.Endpoint && settings.Driver == BuilderDriver.Remote)
        {
            differences.Add($"endpoint is '{endpoint}', the settings want '{settings.Endpoint}'");
        }

        return differences;
    }

    /// <summary>
    /// Drops the <c>--allow-insecure-entitlement network.host</c> that buildx (0.13) adds to the daemon
    /// flags of a docker-container node with <c>network=host</c>, unless the settings ask for it themselves.
    /// </summary>
    private static string WithoutHostEntitlement(EnsureBuilderSettings settings, string flags)
    {
        const string Added = "--allow-insecure-entitlement network.host";
        var hostNetwork = settings.DriverOptions.TryGetValue("network", out var network) && network == "host";
        return hostNetwork && !Normalise(settings.BuildkitdFlags!).Contains(Added, StringComparison.Ordinal)
            ? Normalise(flags.Replace(Added, string.Empty, StringComparison.Ordinal))
            : flags;
    }

    private static string Normalise(string flags) => string.Join(' ', flags.Replace('=', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
