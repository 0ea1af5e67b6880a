using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Docker;

namespace Cake.MultiArch.RemoveBuilder;

/// <summary>Removes one named builder (<c>docker buildx rm NAME</c>), and no other.</summary>
public sealed class RemoveBuilderRunner : DockerRunner<RemoveBuilderSettings>
{
    /// <summary>Initializes a new instance of the <see cref="RemoveBuilderRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment.</param>
    /// <param name="processRunner">The process runner.</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public RemoveBuilderRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
        : base(fileSystem, environment, processRunner, tools, log)
    {
    }

    /// <inheritdoc />
    private protected override string AliasName => "RemoveBuilder";

    /// <summary>Removes the builder; a builder that does not exist is not an error.</summary>
    /// <param name="name">The builder's name.</param>
    /// <param name="settings">The settings.</param>
    /// <returns><see langword="true"/> when a builder was removed.</returns>
    public bool Run(string name, RemoveBuilderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrWhiteSpace(name) || name == BuilderNames.Default)
        {
            throw new CakeException($"RemoveBuilder: name '{name}' cannot be removed; expected the name of a builder you created (the 'default' builder belongs to the docker engine).");
        }

        if (!BuilderNames.IsBuilderName(name))
        {
            throw new CakeException($"RemoveBuilder: name '{name}' is not a builder name; expected {BuilderNames.NameRule}, such as 'multiarch'. Nothing was removed.");
        }

        if (BuilderNames.ToolPathProblem(settings, FileSystem, Environment) is { } toolPath)
        {
            throw new CakeException("RemoveBuilder: " + toolPath);
        }

        var args = new ProcessArgumentBuilder().Append("buildx").Append("rm");
        if (settings.KeepState)
        {
            args.Append("--keep-state");
        }

        args.Append("--").AppendQuoted(name);
        ProbeCache.Shared.ForgetBuilders(); // the builds that follow read 'docker buildx inspect' again
        var result = RunDocker(settings, args, new DockerRunOptions("docker buildx rm") { AllowedExitCodes = [1], LogErrorOutput = false });
        if (result.ExitCode == 0)
        {
            Log.Information("RemoveBuilder: removed builder '{0}'.", name);
            return true;
        }

        if (result.Errors.Any(l => l.Contains($"no builder \"{name}\" found", StringComparison.Ordinal)))
        {
            Log.Information("RemoveBuilder: no builder '{0}' exists; nothing to remove.", name);
            return false;
        }

        throw Failure("docker buildx rm", result);
    }
}
