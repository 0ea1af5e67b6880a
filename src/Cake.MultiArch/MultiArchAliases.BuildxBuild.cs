using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.BuildxBuild;

namespace Cake.MultiArch;

/// <summary>
/// Cake aliases for multi-architecture container images: register QEMU, ensure a buildx builder,
/// build and push with <c>docker buildx build</c>, and verify the pushed manifest.
/// </summary>
[CakeAliasCategory("MultiArch")]
public static partial class MultiArchAliases
{
    /// <summary>
    /// Builds an image with <c>docker buildx build</c> for one or more platforms and returns what
    /// buildx reports in its metadata file (digest, names, media type). The settings are checked
    /// before docker starts; docker's progress goes to the log; a failure carries docker's own message.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The build settings.</param>
    /// <returns>The build's result, with the digest <c>VerifyManifest</c> can check.</returns>
    /// <example>
    /// <code>
    /// var result = BuildxBuild(new BuildxBuildSettings { Context = "./src/app" }
    ///     .WithPlatform("linux/amd64", "linux/arm64")
    ///     .WithTag("registry.example.com/team/app:1.0")
    ///     .WithPush());
    /// Information("Pushed {0}", result.Digest);
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Build")]
    [CakeNamespaceImport("Cake.MultiArch.BuildxBuild")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    [CakeNamespaceImport("Cake.MultiArch.Docker")]
    public static BuildxBuildResult BuildxBuild(this ICakeContext context, BuildxBuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BuildxBuildRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }

    /// <summary>Builds the context folder with <c>docker buildx build</c>, with settings set up by a delegate.</summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="buildContext">The build context folder (or URL).</param>
    /// <param name="configure">Sets the remaining settings.</param>
    /// <returns>The build's result.</returns>
    /// <example>
    /// <code>
    /// var result = BuildxBuild("./src/app", s => s
    ///     .WithPlatform("linux/amd64", "linux/arm64")
    ///     .WithTag("registry.example.com/team/app:1.0")
    ///     .WithPush());
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Build")]
    [CakeNamespaceImport("Cake.MultiArch.BuildxBuild")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    [CakeNamespaceImport("Cake.MultiArch.Docker")]
    public static BuildxBuildResult BuildxBuild(this ICakeContext context, string buildContext, Action<BuildxBuildSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new BuildxBuildSettings { Context = buildContext };
        configure(settings);
        return context.BuildxBuild(settings);
    }
}
