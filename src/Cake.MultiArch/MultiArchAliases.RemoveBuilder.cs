using Cake.Core;
using Cake.Core.Annotations;
using Cake.MultiArch.RemoveBuilder;

namespace Cake.MultiArch;

/// <content>The RemoveBuilder alias.</content>
public static partial class MultiArchAliases
{
    /// <summary>
    /// Removes the named buildx builder (<c>docker buildx rm -- NAME</c>), and no other; a missing
    /// builder is not an error. A name buildx would not accept (such as <c>--all-inactive</c>) or
    /// <c>default</c> is refused before docker starts.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="name">The builder's name.</param>
    /// <param name="settings">The settings, or <see langword="null"/> for the defaults.</param>
    /// <returns><see langword="true"/> when a builder was removed.</returns>
    /// <example>
    /// <code>
    /// Teardown(ctx => RemoveBuilder("multiarch"));
    /// </code>
    /// </example>
    [CakeMethodAlias]
    [CakeAliasCategory("Builders")]
    [CakeNamespaceImport("Cake.MultiArch.RemoveBuilder")]
    public static bool RemoveBuilder(this ICakeContext context, string name, RemoveBuilderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new RemoveBuilderRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(name, settings ?? new RemoveBuilderSettings());
    }
}
