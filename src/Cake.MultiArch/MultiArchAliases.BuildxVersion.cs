using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.BuildxVersion;

namespace Cake.MultiArch;

/// <content>The BuildxVersion alias.</content>
public static partial class MultiArchAliases
{
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
    [CakeNamespaceImport("Cake.MultiArch.BuildxVersion")]
    public static BuildxVersionResult BuildxVersion(this ICakeContext context, BuildxVersionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BuildxVersionRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings ?? new BuildxVersionSettings());
    }
}
