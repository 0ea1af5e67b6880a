using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxVersion;

/// <summary>Runs <c>docker buildx version</c>.</summary>
public sealed class BuildxVersionRunner : DockerRunner<BuildxVersionSettings>
{
    /// <summary>Initializes a new instance of the <see cref="BuildxVersionRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public BuildxVersionRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    protected override string AliasName => "BuildxVersion";

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

        var result = RunDocker(settings, new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
        return BuildxVersionResult.Parse(string.Join("\n", result.Output));
    }
}
