using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.ReadPushedImage;

namespace Cake.MultiArch;

/// <content>ReadPushedImage: read a pushed digest's platforms back.</content>
public static partial class MultiArchAliases
{
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
    [CakeNamespaceImport("Cake.MultiArch.ReadPushedImage")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static PushedImage ReadPushedImage(this ICakeContext context, ReadPushedImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ReadPushedImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
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
    [CakeNamespaceImport("Cake.MultiArch.ReadPushedImage")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static PushedImage ReadPushedImage(this ICakeContext context, BuildxBuildResult build, ReadPushedImageSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ReadPushedImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(build, settings);
    }
}
