using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxVersion;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch.Docker;

/// <summary>The <see cref="IBuildxProbe"/> that asks the docker CLI, once per question and docker (see <see cref="ProbeCache"/>).</summary>
/// <param name="cache">Where the answers are kept: <see cref="ProbeCache.Shared"/> in a build, a cache of their own in tests.</param>
internal sealed class BuildxProbe(ProbeCache cache) : IBuildxProbe
{
    /// <summary>The format that makes <c>docker info</c> print the storage driver status as JSON.</summary>
    public const string DriverStatusFormat = "{{json .DriverStatus}}";

    /// <summary>Initializes a new instance of the <see cref="BuildxProbe"/> class that keeps its answers for the process.</summary>
    public BuildxProbe()
        : this(ProbeCache.Shared)
    {
    }

    /// <inheritdoc />
    public EnsureBuilderResult? TryInspect(DockerTarget docker, string? builder) =>
        cache.Get(docker, "inspect", string.IsNullOrEmpty(builder) ? null : builder, () => Inspect(docker.Run, builder));

    /// <inheritdoc />
    public string ReadDriverStatus(DockerTarget docker, string? context) =>
        cache.Get(docker, "info", context, () => DriverStatus(docker.Run, context));

    /// <inheritdoc />
    public BuildxVersionResult ReadVersion(DockerTarget docker) =>
        cache.Get(docker, "version", null, () => Version(docker.Run));

    /// <inheritdoc />
    public void BuildersChanged() => cache.ForgetBuilders();

    private static EnsureBuilderResult? Inspect(DockerCall docker, string? builder)
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

    private static string DriverStatus(DockerCall docker, string? context)
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

    private static BuildxVersionResult Version(DockerCall docker)
    {
        var result = docker(new ProcessArgumentBuilder().Append("buildx").Append("version"), new DockerRunOptions("docker buildx version") { LogErrorOutput = false });
        return BuildxVersionResult.Parse(string.Join('\n', result.Output));
    }
}
