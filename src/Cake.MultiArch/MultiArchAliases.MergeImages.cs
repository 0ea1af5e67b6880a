using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.MergeImages;

namespace Cake.MultiArch;

/// <content>MergeImages: compose one index from per-platform results, verify it, then tag it.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Composes one OCI index from per-platform results (digests, or a folder of publish records
    /// written by per-platform jobs) with no docker: every platform manifest once, each attestation
    /// kept beside its manifest, exactly the expected platforms (checked before anything is
    /// written); pushes it by digest, verifies it, and only then promotes it to the tags.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The result.</returns>
    /// <example>
    /// <code>
    /// MergeImages(new MergeImagesSettings
    /// {
    ///     Repository = "registry.example.com/team/app",
    ///     RecordsDirectory = "artifacts/records",
    ///     ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
    ///     Tags = { "1.0" },
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.MergeImages")]
    [CakeNamespaceImport("Cake.MultiArch.PromoteImage")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static MergeImagesResult MergeImages(this ICakeContext context, MergeImagesSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MergeImagesRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
