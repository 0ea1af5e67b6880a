using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch;

/// <content>The Dockerfile preflight alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Checks a Dockerfile for platform mistakes before anything is built: platform arguments
    /// used without <c>ARG</c> or hidden by a default, build stages that run emulated when they
    /// could run natively, compiles under QEMU, and base images that do not serve a target
    /// platform (asked of their registries, one request per image). Logs the findings as a table
    /// and fails when any is an error (<c>WarningsAsErrors</c> makes every warning one).
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="dockerfile">The Dockerfile.</param>
    /// <param name="settings">The build the file is checked for, and the preflight's options; <see langword="null"/> for the defaults.</param>
    /// <returns>The findings and each base image's platforms.</returns>
    /// <example>
    /// <code>
    /// var result = CheckDockerfile("./src/app/Dockerfile", new CheckDockerfileSettings
    /// {
    ///     Platforms = { "linux/amd64", "linux/arm64" },
    ///     WarningsAsErrors = true,
    /// });
    /// Information(result.Summary);
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Dockerfiles")]
    [CakeNamespaceImport("Cake.MultiArch.CheckDockerfile")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    public static CheckDockerfileResult CheckDockerfile(this ICakeContext context, FilePath dockerfile, CheckDockerfileSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CheckDockerfileRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(dockerfile, settings ?? new CheckDockerfileSettings());
    }
}
