using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch;

/// <content>The EnsureBuilder alias.</content>
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
    /// <returns>The builder as buildx describes it, with <see cref="EnsureBuilderResult.Reason"/>: which builder and why. Build with its <see cref="EnsureBuilderResult.Name"/>.</returns>
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
    [CakeNamespaceImport("Cake.MultiArch.EnsureBuilder")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    public static EnsureBuilderResult EnsureBuilder(this ICakeContext context, EnsureBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EnsureBuilderRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
