using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Publishing;

namespace Cake.MultiArch.WritePublishRecord;

/// <summary>Writes a per-platform job's publish record (<c>FOLDER/os-arch[-variant].json</c>), for the merge job to read from CI artifacts.</summary>
public sealed class WritePublishRecordRunner
{
    private readonly DirectoryPath? _workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="WritePublishRecordRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment (a relative folder is taken from its working directory).</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public WritePublishRecordRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this((environment ?? throw new ArgumentNullException(nameof(environment))).WorkingDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(processRunner);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(log);
    }

    /// <summary>Initializes a new instance of the <see cref="WritePublishRecordRunner"/> class (tests).</summary>
    /// <param name="workingDirectory">The folder a relative folder is taken from (default: the process's current directory).</param>
    internal WritePublishRecordRunner(DirectoryPath? workingDirectory = null)
    {
        _workingDirectory = workingDirectory;
    }

    /// <summary>Writes a publish record as <c>FOLDER/os-arch[-variant].json</c>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="folder">The folder (made if missing).</param>
    /// <returns>The file written.</returns>
    public FilePath Run(PublishRecord record, DirectoryPath folder)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(folder);
        var path = _workingDirectory is null ? System.IO.Path.GetFullPath(folder.FullPath) : folder.MakeAbsolute(_workingDirectory).FullPath;
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, PublishRecord.FileNameFor(record.Platform));
        File.WriteAllText(file, record.ToJson());
        return new FilePath(file);
    }
}
