using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.VerifySignature;

namespace Cake.MultiArch;

/// <content>The VerifySignature alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Verifies the cosign signatures of a digest and (by default) of each platform manifest of
    /// its index, one <c>cosign verify</c> per manifest; a failure names the platform and keeps
    /// cosign's own message.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings: the image by digest and the public key (or the certificate identity and issuer).</param>
    /// <returns>Each manifest verified.</returns>
    /// <example>
    /// <code>
    /// var verified = VerifySignature(new VerifySignatureSettings
    /// {
    ///     Image = "registry.example.com/team/app@sha256:…",
    ///     Key = "cosign.pub",
    /// });
    /// Information(verified);
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.VerifySignature")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static VerifySignatureResult VerifySignature(this ICakeContext context, VerifySignatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new VerifySignatureRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
