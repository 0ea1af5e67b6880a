using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.WritePublishRecord;

namespace Cake.MultiArch;

/// <content>WritePublishRecord: a per-platform job's record for the merge job.</content>
public static partial class MultiArchAliases
{
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
    [CakeNamespaceImport("Cake.MultiArch.WritePublishRecord")]
    [CakeNamespaceImport("Cake.MultiArch.Publishing")]
    public static FilePath WritePublishRecord(this ICakeContext context, PublishRecord record, DirectoryPath folder)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new WritePublishRecordRunner(context.FileSystem, context.Environment, context.ProcessRunner, context.Tools, context.Log).Run(record, folder);
    }
}
