using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.SignImage;

namespace Cake.MultiArch;

/// <content>The SignImage alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Signs a pushed digest with cosign (<c>cosign sign --yes --recursive</c>): the index and
    /// every platform manifest. The key's password reaches cosign only through its environment
    /// (<c>COSIGN_PASSWORD</c>); a tag is refused before cosign starts.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings: the image by digest and the key.</param>
    /// <returns>The index and each platform manifest signed, with where each signature is stored.</returns>
    /// <example>
    /// <code>
    /// var signed = SignImage(new SignImageSettings
    /// {
    ///     Image = "registry.example.com/team/app@sha256:…",
    ///     Key = "cosign.key",
    ///     KeyPassword = EnvironmentVariable("COSIGN_KEY_PASSWORD"),
    /// });
    /// Information(signed);
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Publishing")]
    [CakeNamespaceImport("Cake.MultiArch.SignImage")]
    [CakeNamespaceImport("Cake.MultiArch.Registry")]
    public static SignImageResult SignImage(this ICakeContext context, SignImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SignImageRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
