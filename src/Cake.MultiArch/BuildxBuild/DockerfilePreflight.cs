using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The <see cref="IPreflight"/> that runs <see cref="CheckDockerfileRunner"/>.</summary>
/// <param name="fileSystem">The file system.</param>
/// <param name="environment">The environment.</param>
/// <param name="log">The log.</param>
internal sealed class DockerfilePreflight(IFileSystem fileSystem, ICakeEnvironment environment, ICakeLog log) : IPreflight
{
    /// <inheritdoc />
    public void Run(FilePath dockerfile, CheckDockerfileSettings settings, string alias) =>
        new CheckDockerfileRunner(fileSystem, environment, log).Run(dockerfile, settings, alias);
}
