using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.PushOciLayout;

namespace Cake.MultiArch;

/// <content>PushOciLayout: push an OCI layout folder by digest.</content>
public static partial class MultiArchAliases
{
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
    [CakeNamespaceImport("Cake.MultiArch.PushOciLayout")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static PushedImage PushOciLayout(this ICakeContext context, PushOciLayoutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new PushOciLayoutRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
