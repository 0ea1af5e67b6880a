using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>The <c>docker buildx create</c> argument lists EnsureBuilder runs, from valid settings.</summary>
internal static class EnsureBuilderCommands
{
    /// <summary>Renders <c>docker buildx create</c> for the first node, in <c>--help</c> order, <c>--</c> and the endpoint last.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="version">The buildx version (which config flag it takes).</param>
    /// <param name="environment">The environment (absolute config path).</param>
    /// <returns>The arguments.</returns>
    public static ProcessArgumentBuilder Create(EnsureBuilderSettings settings, BuildxVersionResult version, ICakeEnvironment environment)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("create");
        if (settings.Bootstrap)
        {
            args.Append("--bootstrap");
        }

        if (settings.BuildkitdConfig is not null)
        {
            args.AppendSwitchQuoted(version.HasBuildkitdConfigFlag ? "--buildkitd-config" : "--config", settings.BuildkitdConfig.MakeAbsolute(environment).FullPath);
        }

        if (!string.IsNullOrEmpty(settings.BuildkitdFlags))
        {
            args.AppendSwitchQuoted("--buildkitd-flags", settings.BuildkitdFlags);
        }

        args.AppendSwitch("--driver", EnsureBuilderMessages.DriverName(settings.Driver));
        AppendDriverOptions(args, EffectiveOptions(settings.DriverOptions, settings.Kubernetes));
        args.AppendSwitchQuoted("--name", settings.Name);
        if (settings.NodePlatforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(settings.NodePlatforms));
        }

        if (settings.Use)
        {
            args.Append("--use");
        }

        if (!string.IsNullOrEmpty(settings.Endpoint))
        {
            args.Append("--").AppendQuoted(settings.Endpoint);
        }

        return args;
    }

    /// <summary>Renders <c>docker buildx create --append</c> for one node.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="node">The node.</param>
    /// <returns>The arguments.</returns>
    public static ProcessArgumentBuilder Append(EnsureBuilderSettings settings, BuilderNodeSettings node)
    {
        var args = new ProcessArgumentBuilder().Append("buildx").Append("create").Append("--append");
        AppendDriverOptions(args, EffectiveOptions(node.DriverOptions, node.Kubernetes));
        args.AppendSwitchQuoted("--name", settings.Name);
        args.AppendSwitchQuoted("--node", node.Name);
        if (node.Platforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(node.Platforms));
        }

        if (!string.IsNullOrEmpty(node.Endpoint))
        {
            args.Append("--").AppendQuoted(node.Endpoint);
        }

        return args;
    }

    /// <summary>Gets the driver options a node is created with: its own, then its kubernetes options.</summary>
    /// <param name="options">The plain options.</param>
    /// <param name="kubernetes">The kubernetes options, or <see langword="null"/>.</param>
    /// <returns>The pairs in argument order.</returns>
    public static IReadOnlyList<KeyValuePair<string, string>> EffectiveOptions(IDictionary<string, string> options, KubernetesDriverOptions? kubernetes) =>
        [.. options, .. kubernetes?.ToDriverOptions() ?? []];

    private static void AppendDriverOptions(ProcessArgumentBuilder args, IEnumerable<KeyValuePair<string, string>> options)
    {
        foreach (var (key, value) in options)
        {
            args.AppendSwitchQuoted("--driver-opt", BuilderNames.DriverOption(key, value));
        }
    }
}
