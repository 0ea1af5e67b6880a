using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch.Docker;

/// <summary>The <see cref="IBuildxProbe"/> that asks the docker CLI.</summary>
internal sealed class BuildxProbe : IBuildxProbe
{
    /// <summary>The format that makes <c>docker info</c> print the storage driver status as JSON.</summary>
    public const string DriverStatusFormat = "{{json .DriverStatus}}";

    /// <inheritdoc />
    public EnsureBuilderResult? TryInspect(DockerCall docker, string? builder)
    {
        var arguments = new ProcessArgumentBuilder().Append("buildx").Append("inspect");
        if (!string.IsNullOrEmpty(builder))
        {
            arguments.AppendQuoted(builder);
        }

        var inspect = docker(arguments, new DockerRunOptions("docker buildx inspect") { LogErrorOutput = false, AllowedExitCodes = [1] });
        if (inspect.ExitCode != 0)
        {
            return null; // no such builder: the command that needs it says so in buildx's words
        }

        try
        {
            return BuildxInspectParser.Parse(string.Join('\n', inspect.Output));
        }
        catch (CakeException)
        {
            return null; // text this version does not know: buildx decides
        }
    }

    /// <inheritdoc />
    public string ReadDriverStatus(DockerCall docker, string? context)
    {
        var arguments = new ProcessArgumentBuilder();
        if (context is not null)
        {
            arguments.Append("--context").AppendQuoted(context);
        }

        arguments.Append("info").AppendSwitchQuoted("--format", DriverStatusFormat);
        var info = docker(arguments, new DockerRunOptions("docker info") { LogErrorOutput = false });
        return string.Join('\n', info.Output);
    }

    /// <inheritdoc />
    public BuildxVersionResult ReadVersion(DockerCall docker)
    {
        var result = docker(new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
        return BuildxVersionResult.Parse(string.Join('\n', result.Output));
    }
}
