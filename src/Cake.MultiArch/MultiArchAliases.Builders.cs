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
    /// removes a builder it was not told to recreate (and never creates, recreates or removes the
    /// engine's own builder), removes a builder whose create failed and makes the previous builder
    /// current again, and fails naming what is missing. With <see cref="EnsureBuilderSettings.Automatic"/>
    /// it uses the engine's own builder when that can build every platform at once (containerd
    /// image store), and the builder <see cref="EnsureBuilderSettings.Name"/> otherwise.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The builder settings (never changed).</param>
    /// <returns>The builder as buildx describes it, with <see cref="BuildxBuilder.Reason"/>: which builder and why. Build with its <see cref="BuildxBuilder.Name"/>.</returns>
    /// <example>
    /// <code>
    /// var builder = EnsureBuilder(new EnsureBuilderSettings
    /// {
    ///     Automatic = true,
    ///     Name = "multiarch",
    ///     DriverOptions = { ["image"] = "mirror.example.com/moby/buildkit:buildx-stable-1" },
    ///     RequiredPlatforms = { "linux/amd64", "linux/arm64" },
    /// });
    /// Information("Building with {0}: {1}", builder.Name, builder.Reason);
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

    /// <summary>
    /// Removes the named buildx builder (<c>docker buildx rm -- NAME</c>), and no other; a missing
    /// builder is not an error. A name buildx would not accept (such as <c>--all-inactive</c>) or
    /// <c>default</c> is refused before docker starts.
    /// </summary>
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
