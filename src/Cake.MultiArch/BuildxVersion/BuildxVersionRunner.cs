using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;

namespace Cake.MultiArch.BuildxVersion;

/// <summary>Runs <c>docker buildx version</c>.</summary>
public sealed class BuildxVersionRunner : DockerRunner<BuildxVersionSettings>
{
    private readonly IBuildxProbe _probe;

    /// <summary>Initializes a new instance of the <see cref="BuildxVersionRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public BuildxVersionRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : this(fileSystem, environment, processRunner, tools, log, new BuildxProbe())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BuildxVersionRunner"/> class with the collaborator tests replace.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    /// <param name="probe">Reads the buildx version.</param>
    internal BuildxVersionRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log, IBuildxProbe probe)
        : base(fileSystem, environment, processRunner, tools, log)
    {
        _probe = probe;
    }

    /// <inheritdoc />
    private protected override string AliasName => "BuildxVersion";

    /// <summary>Reads the buildx version.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The version.</returns>
    public BuildxVersionResult Run(BuildxVersionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (BuilderNames.ToolPathProblem(settings, FileSystem, Environment) is { } toolPath)
        {
            throw new CakeException("BuildxVersion: " + toolPath);
        }

        return _probe.ReadVersion(Target(settings));
    }
}
