using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.PromoteImage;

namespace Cake.MultiArch;

/// <content>PromoteImage: put a verified digest under tags.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Puts an already pushed, verified digest under one or more tags, in the same repository or
    /// another (blobs mounted, not re-uploaded, when the registry allows it), byte for byte; a tag
    /// already at the digest is left alone. Logs and returns each tag's old → new.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The result.</returns>
    /// <example>
    /// <code>
    /// PromoteImage(new PromoteImageSettings
    /// {
    ///     Source = "registry.example.com/team/app@sha256:…",
    ///     Tags = { "1.0", "latest", "registry.example.com/team/app-stable:1.0" },
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.PromoteImage")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static PromoteImageResult PromoteImage(this ICakeContext context, PromoteImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PromoteImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
