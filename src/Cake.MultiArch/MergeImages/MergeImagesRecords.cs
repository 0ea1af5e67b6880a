using Cake.Core;
using Cake.MultiArch.Publishing;

namespace Cake.MultiArch.MergeImages;

/// <summary>Reads the publish records a merge job downloaded from its per-platform jobs.</summary>
internal static class MergeImagesRecords
{
    /// <summary>Reads the publish records of a folder (<c>*.json</c>, by name), each checked to belong to the repository.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="repository">The repository, <c>registry/path</c>.</param>
    /// <returns>The records with their files.</returns>
    /// <exception cref="CakeException">The folder is missing or empty, or a file is not a record or is another repository's.</exception>
    public static IReadOnlyList<(string File, PublishRecord Record)> Read(string folder, string repository)
    {
        if (!Directory.Exists(folder))
        {
            throw new CakeException($"{MergeImagesPlan.Alias}: the records folder '{folder}' does not exist; expected a folder of *.json records written by Publish-Platform. Download the per-platform jobs' artifacts there first.");
        }

        var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new CakeException($"{MergeImagesPlan.Alias}: the records folder '{folder}' holds no *.json record; expected one per platform, written by Publish-Platform. Check that the per-platform jobs ran and uploaded their records.");
        }

        var records = new List<(string, PublishRecord)>();
        foreach (var file in files)
        {
            var record = PublishRecord.Parse(File.ReadAllText(file), file);
            if (record.Repository != repository)
            {
                throw new CakeException($"{MergeImagesPlan.Alias}: the record '{file}' is for repository '{record.Repository}'; expected '{repository}'. Remove it from the records folder, or merge it into its own repository.");
            }

            records.Add((file, record));
        }

        return records;
    }
}
