using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using NSubstitute;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// A Cake context made of Cake.Core's own real classes (file system, process runner, tool
/// locator), with two seams: an environment whose working directory and CI variable the test
/// sets (everything else is the real process environment), and a log that records every line.
/// </summary>
internal sealed class TestCakeContext
{
    public TestCakeContext(string workingDirectory, bool ci = false, IDictionary<string, string>? variables = null)
    {
        var platform = new CakePlatform();
        var runtime = new CakeRuntime();
        var real = new CakeEnvironment(platform, runtime);
        Environment = Substitute.For<ICakeEnvironment>();
        Environment.WorkingDirectory.Returns(new DirectoryPath(workingDirectory));
        Environment.Platform.Returns(platform);
        Environment.Runtime.Returns(runtime);
        Environment.ApplicationRoot.Returns(real.ApplicationRoot);
        Environment.GetSpecialPath(Arg.Any<SpecialPath>()).Returns(ci => real.GetSpecialPath(ci.Arg<SpecialPath>()));
        Environment.GetEnvironmentVariable(Arg.Any<string>()).Returns(call =>
        {
            var name = call.Arg<string>();
            if (name == "CI")
            {
                return ci ? "true" : null;
            }

            return variables is not null && variables.TryGetValue(name, out var value) ? value : real.GetEnvironmentVariable(name);
        });
        Environment.GetEnvironmentVariables().Returns(_ =>
        {
            var all = new Dictionary<string, string>(real.GetEnvironmentVariables(), StringComparer.Ordinal);
            all.Remove("CI");
            if (ci)
            {
                all["CI"] = "true";
            }

            foreach (var (name, value) in variables ?? new Dictionary<string, string>())
            {
                all[name] = value;
            }

            return all;
        });

        Log = new RecordingLog();
        FileSystem = new FileSystem();
        var configuration = new CakeConfiguration(new Dictionary<string, string>());
        var globber = new Globber(FileSystem, Environment);
        Tools = new ToolLocator(Environment, new ToolRepository(Environment), new ToolResolutionStrategy(FileSystem, Environment, globber, configuration, Log.Log));
        ProcessRunner = new ProcessRunner(FileSystem, Environment, Log.Log, Tools, configuration);

        Context = Substitute.For<ICakeContext>();
        Context.FileSystem.Returns(FileSystem);
        Context.Environment.Returns(Environment);
        Context.Log.Returns(Log.Log);
        Context.ProcessRunner.Returns(ProcessRunner);
        Context.Tools.Returns(Tools);
        Context.Globber.Returns(globber);
        Context.Configuration.Returns(configuration);
    }

    public ICakeContext Context { get; }

    public ICakeEnvironment Environment { get; }

    public IFileSystem FileSystem { get; }

    public IProcessRunner ProcessRunner { get; }

    public IToolLocator Tools { get; }

    public RecordingLog Log { get; }
}

/// <summary>An NSubstitute <see cref="ICakeLog"/> that keeps every formatted line, at Diagnostic verbosity.</summary>
internal sealed class RecordingLog
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public RecordingLog()
    {
        Log = Substitute.For<ICakeLog>();
        Log.Verbosity.Returns(Verbosity.Diagnostic);
        Log.When(l => l.Write(Arg.Any<Verbosity>(), Arg.Any<LogLevel>(), Arg.Any<string>(), Arg.Any<object[]>()))
            .Do(call =>
            {
                var format = call.ArgAt<string>(2);
                var args = call.ArgAt<object[]>(3);
                var text = args is { Length: > 0 } ? string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args) : format;
                lock (_lines)
                {
                    _lines.Add((call.ArgAt<LogLevel>(1), text));
                }
            });
    }

    public ICakeLog Log { get; }

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public string All => string.Join("\n", Lines.Select(l => l.Text));
}
