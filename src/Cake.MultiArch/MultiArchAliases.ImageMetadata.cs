using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.ImageMetadata;

namespace Cake.MultiArch;

/// <content>The image metadata alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Computes image tags, a version, OCI labels and annotations from the git repository and the
    /// CI system (GitHub Actions, GitLab CI, Azure Pipelines, or a local run), the way
    /// docker/metadata-action does.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings: images, tag rules, flavor, overrides.</param>
    /// <returns>The metadata; apply it with <see cref="ImageMetadataExtensions.WithMetadata"/>.</returns>
    /// <example>
    /// <code>
    /// var meta = ImageMetadata(new ImageMetadataSettings
    /// {
    ///     Images = { "ghcr.io/acme/app" },
    ///     Tags = { TagRule.BranchName(), TagRule.Semver("{{version}}"), TagRule.Semver("{{major}}.{{minor}}"), TagRule.Sha() },
    /// });
    /// BuildxBuild(new BuildxBuildSettings { Push = true }.WithPlatform("linux/amd64,linux/arm64").WithMetadata(meta));
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Metadata")]
    [CakeNamespaceImport("Cake.MultiArch.ImageMetadata")]
    public static ImageMetadataResult ImageMetadata(this ICakeContext context, ImageMetadataSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ImageMetadataRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
