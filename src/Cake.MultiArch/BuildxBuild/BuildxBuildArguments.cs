using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// The argv of <c>docker buildx build</c>: one <c>if</c> per option, in <c>docker buildx build --help</c>
/// order (grouped only to keep each method short), the context last.
/// </summary>
internal static class BuildxBuildArguments
{
    /// <summary>Renders the command line.</summary>
    /// <param name="settings">The validated settings.</param>
    /// <param name="environment">The environment relative paths are resolved in.</param>
    /// <param name="metadataFile">The absolute metadata file to ask for.</param>
    /// <param name="progress">The <c>--progress</c> to pass, or <see langword="null"/> for none.</param>
    /// <returns>The arguments.</returns>
    public static ProcessArgumentBuilder Render(BuildxBuildSettings settings, ICakeEnvironment environment, FilePath metadataFile, BuildProgress? progress)
    {
        var args = new ProcessArgumentBuilder();
        args.Append("buildx");
        args.Append("build");
        AppendInputs(args, settings);
        AppendBuildOptions(args, settings, environment, metadataFile);
        AppendOutputs(args, settings, progress);
        AppendRunOptions(args, settings, environment);
        args.AppendQuoted(BuildxBuildPlan.IsLocalContext(settings.Context) ? new DirectoryPath(settings.Context).MakeAbsolute(environment).FullPath : settings.Context);
        return args;
    }

    /// <summary><c>--add-host</c> to <c>--cache-to</c>: what the build reads.</summary>
    private static void AppendInputs(ProcessArgumentBuilder args, BuildxBuildSettings settings)
    {
        foreach (var (host, ip) in settings.AddHosts)
        {
            args.AppendSwitchQuoted("--add-host", $"{host}={ip}");
        }

        foreach (var entitlement in settings.Allow)
        {
            args.AppendSwitchQuoted("--allow", entitlement);
        }

        foreach (var (key, value) in settings.Annotations)
        {
            args.AppendSwitchQuoted("--annotation", $"{key}={value}");
        }

        foreach (var attestation in settings.Attestations)
        {
            args.AppendSwitchQuoted("--attest", attestation);
        }

        foreach (var (key, value) in settings.BuildArgs)
        {
            args.AppendSwitchQuoted("--build-arg", $"{key}={value}");
        }

        foreach (var (name, value) in settings.BuildContexts)
        {
            args.AppendSwitchQuoted("--build-context", $"{name}={value}");
        }

        if (!string.IsNullOrEmpty(settings.Builder))
        {
            args.AppendSwitchQuoted("--builder", settings.Builder);
        }

        foreach (var cache in settings.CacheFrom)
        {
            args.AppendSwitchQuoted("--cache-from", cache.ToString());
        }

        foreach (var cache in settings.CacheTo)
        {
            args.AppendSwitchQuoted("--cache-to", cache.ToString());
        }
    }

    /// <summary><c>--call</c> to <c>--no-cache-filter</c>: how the build runs and what it writes beside the image.</summary>
    private static void AppendBuildOptions(ProcessArgumentBuilder args, BuildxBuildSettings settings, ICakeEnvironment environment, FilePath metadataFile)
    {
        if (!string.IsNullOrEmpty(settings.Call))
        {
            args.AppendSwitchQuoted("--call", settings.Call);
        }

        if (!string.IsNullOrEmpty(settings.CgroupParent))
        {
            args.AppendSwitchQuoted("--cgroup-parent", settings.CgroupParent);
        }

        if (settings.Check)
        {
            args.Append("--check");
        }

        if (settings.File is not null)
        {
            args.AppendSwitchQuoted("--file", settings.File.MakeAbsolute(environment).FullPath);
        }

        if (settings.ImageIdFile is not null)
        {
            args.AppendSwitchQuoted("--iidfile", settings.ImageIdFile.MakeAbsolute(environment).FullPath);
        }

        foreach (var (key, value) in settings.Labels)
        {
            args.AppendSwitchQuoted("--label", $"{key}={value}");
        }

        if (settings.Load)
        {
            args.Append("--load");
        }

        args.AppendSwitchQuoted("--metadata-file", metadataFile.FullPath);

        if (!string.IsNullOrEmpty(settings.Network))
        {
            args.AppendSwitchQuoted("--network", settings.Network);
        }

        if (settings.NoCache)
        {
            args.Append("--no-cache");
        }

        foreach (var stage in settings.NoCacheFilter)
        {
            args.AppendSwitchQuoted("--no-cache-filter", stage);
        }
    }

    /// <summary><c>--output</c> to <c>--sbom</c>: where the image goes, for which platforms, with which attestations.</summary>
    private static void AppendOutputs(ProcessArgumentBuilder args, BuildxBuildSettings settings, BuildProgress? progress)
    {
        foreach (var output in settings.Outputs)
        {
            args.AppendSwitchQuoted("--output", output.ToString());
        }

        if (settings.Platforms.Count > 0)
        {
            args.AppendSwitchQuoted("--platform", PlatformList.Format(settings.Platforms));
        }

        if (progress is { } p)
        {
            args.AppendSwitch("--progress", p.ToString().ToLowerInvariant());
        }

        if (settings.Provenance is { } provenance)
        {
            args.AppendSwitch("--provenance", "=", provenance switch
            {
                ProvenanceMode.Disabled => "false",
                ProvenanceMode.Enabled => "true",
                ProvenanceMode.Min => "mode=min",
                _ => "mode=max",
            });
        }

        if (settings.Pull)
        {
            args.Append("--pull");
        }

        if (settings.Push)
        {
            args.Append("--push");
        }

        if (settings.Quiet)
        {
            args.Append("--quiet");
        }

        if (settings.SbomGenerator is { } generator)
        {
            args.AppendSwitch("--sbom", "=", "generator=" + generator);
        }
        else if (settings.Sbom is { } sbom)
        {
            args.AppendSwitch("--sbom", "=", sbom ? "true" : "false");
        }
    }

    /// <summary><c>--secret</c> to <c>--ulimit</c>: what RUN steps see.</summary>
    private static void AppendRunOptions(ProcessArgumentBuilder args, BuildxBuildSettings settings, ICakeEnvironment environment)
    {
        foreach (var secret in settings.Secrets)
        {
            var absolute = secret.File is null ? secret : BuildSecret.FromFile(secret.Id, secret.File.MakeAbsolute(environment));
            args.AppendSwitchQuoted("--secret", absolute.ToString());
        }

        if (!string.IsNullOrEmpty(settings.ShmSize))
        {
            args.AppendSwitchQuoted("--shm-size", settings.ShmSize);
        }

        foreach (var ssh in settings.Ssh)
        {
            args.AppendSwitchQuoted("--ssh", ssh);
        }

        foreach (var tag in settings.Tags)
        {
            args.AppendSwitchQuoted("--tag", tag);
        }

        if (!string.IsNullOrEmpty(settings.Target))
        {
            args.AppendSwitchQuoted("--target", settings.Target);
        }

        foreach (var ulimit in settings.Ulimits)
        {
            args.AppendSwitchQuoted("--ulimit", ulimit.ToString());
        }
    }
}
