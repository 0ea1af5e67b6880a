using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

/// <summary>The parts of a Cake context a runner's constructor takes, made of Cake.Core's own classes (as a Frosting host makes them).</summary>
internal sealed record CakeParts(IFileSystem FileSystem, ICakeEnvironment Environment, IProcessRunner ProcessRunner, IToolLocator Tools, ICakeLog Log)
{
    public static CakeParts Create(ICakeLog log)
    {
        var fileSystem = new FileSystem();
        var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var tools = new ToolLocator(environment, new ToolRepository(environment), new ToolResolutionStrategy(fileSystem, environment, new Globber(fileSystem, environment), configuration, log));
        return new CakeParts(fileSystem, environment, new ProcessRunner(fileSystem, environment, log, tools, configuration), tools, log);
    }
}
