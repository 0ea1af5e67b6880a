using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Docker;
using Cake.MultiArch.EnsureBuilder;

namespace Cake.MultiArch.BuildxBuild;

/// <content>The multi-platform load check: asks docker only when such a load is requested.</content>
public sealed partial class BuildxBuildRunner
{
    /// <summary>
    /// Refuses a multi-platform <c>--load</c> or docker-type output before the build starts where it
    /// cannot work (see <see cref="LoadPolicy"/>): reads the builder (<c>docker buildx inspect</c>)
    /// and, for the docker driver, the engine's image store (<c>docker info</c>).
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="CakeException">The builder or the engine cannot load several platforms.</exception>
    internal void CheckLoad(BuildxBuildSettings settings)
    {
        if (LoadPolicy.Request(settings) is not { } request)
        {
            return;
        }

        var inspectArgs = new ProcessArgumentBuilder().Append("buildx").Append("inspect");
        if (!string.IsNullOrEmpty(settings.Builder))
        {
            inspectArgs.AppendQuoted(settings.Builder);
        }

        var inspect = RunDocker(settings, inspectArgs, new DockerRunOptions("docker buildx inspect") { LogErrorOutput = false, AllowedExitCodes = [1] });
        if (inspect.ExitCode != 0)
        {
            return; // no such builder: the build itself says so in buildx's words
        }

        EnsureBuilderResult builder;
        try
        {
            builder = BuildxInspectParser.Parse(string.Join('\n', inspect.Output));
        }
        catch (CakeException)
        {
            return; // text this version does not know: buildx decides
        }

        if (LoadPolicy.CannotLoadMultiPlatform(builder.Driver))
        {
            throw new CakeException(LoadPolicy.DriverRefusal(request, builder));
        }

        if (builder.Driver != "docker")
        {
            return;
        }

        var info = RunDocker(settings, new ProcessArgumentBuilder().Append("info").AppendSwitchQuoted("--format", LoadPolicy.DriverStatusFormat), new DockerRunOptions("docker info") { LogErrorOutput = false });
        var driverStatus = string.Join('\n', info.Output);
        if (LoadPolicy.UsesContainerdStore(driverStatus) == false)
        {
            throw new CakeException(LoadPolicy.StoreRefusal(request, builder, driverStatus));
        }
    }
}
