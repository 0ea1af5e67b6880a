using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.RegisterQemu;

namespace Cake.MultiArch;

/// <content>The QEMU registration alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Registers QEMU user-mode emulators in binfmt_misc so that a builder can run foreign
    /// platforms' <c>RUN</c> steps. It reads the table first and changes only what is missing (a
    /// second call does nothing), never touches entries it was not asked about, and fails listing
    /// each platform still missing afterwards.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>One line per wanted platform: native, already registered, registered now.</returns>
    /// <example>
    /// <code>
    /// RegisterQemu(new RegisterQemuSettings
    /// {
    ///     Platforms = { "linux/arm64", "linux/riscv64" },
    ///     Image = "hub.example.com/tonistiigi/binfmt:qemu-v10.2.3",
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Qemu")]
    [CakeNamespaceImport("Cake.MultiArch.RegisterQemu")]
    [CakeNamespaceImport("Cake.MultiArch.Platforms")]
    public static RegisterQemuResult RegisterQemu(this ICakeContext context, RegisterQemuSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new RegisterQemuRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(settings);
    }
}
