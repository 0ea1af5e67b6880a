using Cake.Core.IO;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.Build;

/// <summary>Fluent helpers for <see cref="BuildxBuildSettings"/>, in Cake's <c>With…</c> style.</summary>
public static class BuildxBuildSettingsExtensions
{
    /// <summary>Adds target platforms (<c>--platform</c>), parsed and normalised.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platforms">Platforms such as <c>linux/amd64</c>, <c>linux/arm64</c>, or comma lists of them.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">A value is not a platform; the message lists the accepted values.</exception>
    public static BuildxBuildSettings WithPlatform(this BuildxBuildSettings settings, params string[] platforms)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var platform in platforms.SelectMany(p => p.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            settings.Platforms.Add(Platform.Parse(platform));
        }

        return settings;
    }

    /// <summary>Adds target platforms (<c>--platform</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="platforms">The platforms.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithPlatform(this BuildxBuildSettings settings, params Platform[] platforms) =>
        Each(settings, platforms, (s, p) => s.Platforms.Add(p));

    /// <summary>Adds image names and tags (<c>--tag</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="tags">References such as <c>registry.example.com/app:1.0</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithTag(this BuildxBuildSettings settings, params string[] tags) =>
        Each(settings, tags, (s, t) => s.Tags.Add(t));

    /// <summary>Sets a build argument (<c>--build-arg KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The argument.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithBuildArg(this BuildxBuildSettings settings, string name, string value) =>
        Set(settings, s => s.BuildArgs[name] = value);

    /// <summary>Sets an image label (<c>--label KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The label.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithLabel(this BuildxBuildSettings settings, string name, string value) =>
        Set(settings, s => s.Labels[name] = value);

    /// <summary>Sets an annotation (<c>--annotation KEY=VALUE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="key">The key, optionally with a level prefix such as <c>index:</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithAnnotation(this BuildxBuildSettings settings, string key, string value) =>
        Set(settings, s => s.Annotations[key] = value);

    /// <summary>Adds a secret read from an environment variable (<c>--secret id=ID,env=VARIABLE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="environmentVariable">The variable that holds the value; defaults to the id.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecretFromEnvironment(this BuildxBuildSettings settings, string id, string? environmentVariable = null) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromEnvironment(id, environmentVariable ?? id)));

    /// <summary>Adds a secret read from a file (<c>--secret id=ID,src=FILE</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="file">The file that holds the value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecretFromFile(this BuildxBuildSettings settings, string id, FilePath file) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromFile(id, file)));

    /// <summary>Adds a secret whose value the script holds; it reaches buildx through the process environment only, never argv or the log.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="id">The secret id.</param>
    /// <param name="value">The value.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithSecret(this BuildxBuildSettings settings, string id, string value) =>
        Set(settings, s => s.Secrets.Add(BuildSecret.FromValue(id, value)));

    /// <summary>Adds a cache source (<c>--cache-from</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cache">The cache, such as <c>CacheEntry.Registry("r/app:cache")</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithCacheFrom(this BuildxBuildSettings settings, CacheEntry cache) =>
        Set(settings, s => s.CacheFrom.Add(cache));

    /// <summary>Adds a cache destination (<c>--cache-to</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cache">The cache, such as <c>CacheEntry.Registry("r/app:cache", CacheMode.Max)</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithCacheTo(this BuildxBuildSettings settings, CacheEntry cache) =>
        Set(settings, s => s.CacheTo.Add(cache));

    /// <summary>Adds an output (<c>--output</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="output">The output, such as <c>BuildOutput.OciArchive("app.tar")</c>.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithOutput(this BuildxBuildSettings settings, BuildOutput output) =>
        Set(settings, s => s.Outputs.Add(output));

    /// <summary>Sets whether the result is pushed (<c>--push</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="push">Whether to push.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithPush(this BuildxBuildSettings settings, bool push = true) =>
        Set(settings, s => s.Push = push);

    /// <summary>Sets whether the result is loaded into the local image store (<c>--load</c>; several platforms need a <c>docker</c>-driver builder and the containerd image store).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="load">Whether to load.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithLoad(this BuildxBuildSettings settings, bool load = true) =>
        Set(settings, s => s.Load = load);

    /// <summary>Sets the builder (<c>--builder</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder name.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithBuilder(this BuildxBuildSettings settings, string builder) =>
        Set(settings, s => s.Builder = builder);

    /// <summary>Sets the Dockerfile (<c>--file</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="file">The Dockerfile.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithFile(this BuildxBuildSettings settings, FilePath file) =>
        Set(settings, s => s.File = file);

    /// <summary>Sets the stage to build (<c>--target</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="target">The stage name.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithTarget(this BuildxBuildSettings settings, string target) =>
        Set(settings, s => s.Target = target);

    /// <summary>Sets the provenance attestation (<c>--provenance</c>).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="mode">The mode; <see cref="ProvenanceMode.Disabled"/> gives a plain manifest list.</param>
    /// <returns>The settings.</returns>
    public static BuildxBuildSettings WithProvenance(this BuildxBuildSettings settings, ProvenanceMode mode) =>
        Set(settings, s => s.Provenance = mode);

    private static BuildxBuildSettings Set(BuildxBuildSettings settings, Action<BuildxBuildSettings> change)
    {
        ArgumentNullException.ThrowIfNull(settings);
        change(settings);
        return settings;
    }

    private static BuildxBuildSettings Each<T>(BuildxBuildSettings settings, IEnumerable<T> items, Action<BuildxBuildSettings, T> add)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var item in items)
        {
            add(settings, item);
        }

        return settings;
    }
}
