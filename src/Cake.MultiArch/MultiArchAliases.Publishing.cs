using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Publishing;

namespace Cake.MultiArch;

/// <content>The publishing aliases: promote a verified digest, merge per-platform results, push by digest, job records.</content>
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
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static PromoteImageResult PromoteImage(this ICakeContext context, PromoteImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PromoteImageRunner(context.Log).Run(settings);
    }

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
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static MergeImagesResult MergeImages(this ICakeContext context, MergeImagesSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MergeImagesRunner(context.Log, context.Environment.WorkingDirectory).Run(settings);
    }

    /// <summary>
    /// Pushes an OCI layout folder (a build's <c>--output type=oci,dest=DIR,tar=false</c>) by digest,
    /// with no tag, and reads each platform's manifest and attestation digests back: the build by
    /// digest for buildx's <c>docker</c> driver, which refuses <c>push-by-digest</c>.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The pushed image.</returns>
    /// <example>
    /// <code>
    /// var pushed = PushOciLayout(new PushOciLayoutSettings { Layout = "artifacts/layout", Repository = "registry.example.com/team/app" });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static PushedImage PushOciLayout(this ICakeContext context, PushOciLayoutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PublishingRunner(context.Environment.WorkingDirectory).PushOciLayout(settings);
    }

    /// <summary>Reads a pushed digest back from the registry: each platform manifest's digest and its attestation manifest's digest (buildx's metadata file names neither).</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The pushed image.</returns>
    /// <example>
    /// <code>
    /// var pushed = ReadPushedImage(new ReadPushedImageSettings { Image = "registry.example.com/team/app@sha256:…" });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static PushedImage ReadPushedImage(this ICakeContext context, ReadPushedImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PublishingRunner(context.Environment.WorkingDirectory).ReadPushedImage(settings);
    }

    /// <summary>Reads back what a <c>BuildxBuild</c> pushed by digest (<c>push-by-digest=true,name-canonical=true</c>): each platform's manifest and attestation digests.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="build">The build's result.</param>
    /// <param name="settings">Registry access, or <see langword="null"/>; its <c>Image</c> is not used.</param>
    /// <returns>The pushed image.</returns>
    /// <example>
    /// <code>
    /// var build = BuildxBuild(new BuildxBuildSettings { Context = "." }.WithPlatform("linux/arm64")
    ///     .WithOutput(new BuildOutput(BuildOutputType.Image) { Names = { "registry.example.com/team/app" }, Push = true, PushByDigest = true, NameCanonical = true }));
    /// var pushed = ReadPushedImage(build);
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static PushedImage ReadPushedImage(this ICakeContext context, BuildxBuildResult build, ReadPushedImageSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var copy = (settings ?? new ReadPushedImageSettings()).CopyAccessTo(new ReadPushedImageSettings());
        copy.Image = PublishingRunner.PushedReference(build);
        return context.ReadPushedImage(copy);
    }

    /// <summary>Writes a per-platform job's publish record (<c>FOLDER/os-arch.json</c>), for the merge job to read from CI artifacts.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="record">The record.</param>
    /// <param name="folder">The folder.</param>
    /// <returns>The file written.</returns>
    /// <example>
    /// <code>
    /// var p = pushed.Platforms.Single();
    /// WritePublishRecord(new PublishRecord("registry.example.com/team/app", p.Platform, p.Digest, p.AttestationDigest, "default", DateTimeOffset.UtcNow), "artifacts/records");
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static FilePath WritePublishRecord(this ICakeContext context, PublishRecord record, DirectoryPath folder)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PublishingRunner(context.Environment.WorkingDirectory).WritePublishRecord(record, folder);
    }
}
