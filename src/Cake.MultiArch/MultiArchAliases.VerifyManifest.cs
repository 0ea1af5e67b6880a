using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch;

/// <content>The manifest verification aliases.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Proves that a pushed image serves every expected platform: the index lists each one
    /// (attestation entries skipped but reported), each image config agrees, and with
    /// <c>Deep</c> each platform's executables are ELF files for that platform. Fails listing
    /// every problem.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The result.</returns>
    /// <example>
    /// <code>
    /// VerifyManifest(new VerifyManifestSettings
    /// {
    ///     Image = "registry.example.com/team/app:1.0",
    ///     ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
    ///     Deep = true,
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Verification")]
    [CakeNamespaceImport("Cake.MultiArch.VerifyManifest")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    public static VerifyManifestResult VerifyManifest(this ICakeContext context, VerifyManifestSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new VerifyManifestRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }

    /// <summary>
    /// Verifies several images (a release's tags, say) with the same settings, several at a time,
    /// and fails listing every image: an image the registry does not serve (or serves too slowly)
    /// is that image's problem, listed with the others'.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="images">The image references.</param>
    /// <param name="settings">The settings; their <c>Image</c> is ignored.</param>
    /// <param name="maxParallel">How many images are verified at once (default 8).</param>
    /// <returns>The results, in the order of <paramref name="images"/>.</returns>
    /// <example>
    /// <code>
    /// VerifyManifests(new[] { "r.example.com/app:1.0", "r.example.com/app:1", "r.example.com/app:latest" },
    ///     new VerifyManifestSettings { ExpectedPlatforms = { "linux/amd64", "linux/arm64" } });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Verification")]
    [CakeNamespaceImport("Cake.MultiArch.VerifyManifest")]
    public static IReadOnlyList<VerifyManifestResult> VerifyManifests(this ICakeContext context, IEnumerable<string> images, VerifyManifestSettings settings, int maxParallel = 8)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new VerifyManifestRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).RunMany(images, settings, maxParallel);
    }

    /// <summary>
    /// Verifies what <c>BuildxBuild</c> pushed, by its digest (so a tag moved since cannot fool
    /// the check). The build's image always wins over <c>settings.Image</c>. Expected platforms are
    /// <c>settings.ExpectedPlatforms</c> when listed, else the platforms the build was asked for
    /// (<c>RequestedPlatforms</c>), else those of its metadata, else those the registry serves;
    /// the log and the result's <c>ExpectedPlatformsSource</c> say which. The settings are never
    /// written to, so one object can serve several calls.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="build">The build's result.</param>
    /// <param name="settings">More settings, or <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    /// <example>
    /// <code>
    /// var build = BuildxBuild(settings);
    /// VerifyManifest(build, new VerifyManifestSettings { Deep = true });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Verification")]
    [CakeNamespaceImport("Cake.MultiArch.VerifyManifest")]
    public static VerifyManifestResult VerifyManifest(this ICakeContext context, BuildxBuildResult build, VerifyManifestSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(build);
        return new VerifyManifestRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(build, settings);
    }
}
