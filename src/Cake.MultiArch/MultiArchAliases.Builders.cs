using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.Builders;

namespace Cake.MultiArch;

/// <content>The buildx builder aliases.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Makes sure a buildx builder exists, matches the settings, and can build the required
    /// platforms: it inspects the builder first, creates it or appends only missing nodes, never
    /// removes a builder it was not told to recreate, and fails naming what is missing.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The builder settings.</param>
    /// <returns>The builder as buildx describes it.</returns>
    /// <example>
    /// <code>
    /// var builder = EnsureBuilder(new EnsureBuilderSettings
    /// {
    ///     Name = "multiarch",
    ///     DriverOptions = { ["image"] = "mirror.example.com/moby/buildkit:buildx-stable-1" },
    ///     RequiredPlatforms = { "linux/amd64", "linux/arm64" },
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Builders")]
    [CakeNamespaceImport("Cake.MultiArch.Builders")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    public static BuildxBuilder EnsureBuilder(this ICakeContext context, EnsureBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EnsureBuilderRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }

    /// <summary>Removes the named buildx builder (<c>docker buildx rm</c>), and no other; a missing builder is not an error.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="name">The builder's name.</param>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns><see langword="true"/> when a builder was removed.</returns>
    /// <example>
    /// <code>
    /// Teardown(ctx => RemoveBuilder("multiarch"));
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Builders")]
    [CakeNamespaceImport("Cake.MultiArch.Builders")]
    public static bool RemoveBuilder(this ICakeContext context, string name, RemoveBuilderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new RemoveBuilderRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(name, settings ?? new RemoveBuilderSettings());
    }

    /// <summary>Reads the buildx plugin's version (<c>docker buildx version</c>), for feature checks.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The version.</returns>
    /// <example>
    /// <code>
    /// if (BuildxVersion().Version &lt; new Version(0, 10, 0)) { throw new Exception("buildx 0.10+ needed"); }
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Builders")]
    [CakeNamespaceImport("Cake.MultiArch.Builders")]
    public static BuildxVersion BuildxVersion(this ICakeContext context, BuildxVersionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BuildxVersionRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings ?? new BuildxVersionSettings());
    }
}
