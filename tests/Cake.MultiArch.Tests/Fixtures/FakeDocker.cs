using System.Text;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// A fake <c>docker</c> executable: a bash script written into a temp folder that records each
/// call's argv and environment and replays real captured output. Rules match on the start of
/// the joined arguments, first match wins; a <c>buildx build</c> rule can copy a metadata
/// fixture to the path that follows <c>--metadata-file</c>, as buildx does.
/// </summary>
internal sealed class FakeDocker : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<Rule> _rules = [];

    public FakeDocker()
    {
        Directory.CreateDirectory(RecordDir);
    }

    /// <summary>Gets the fake executable's path, for ToolPath.</summary>
    public string Path => _dir.Combine("bin", "docker");

    /// <summary>Gets the folder holding the fake (put it first on PATH to test tool resolution).</summary>
    public string BinDir => _dir.Combine("bin");

    private string RecordDir => _dir.Combine("calls");

    /// <summary>Adds a rule: calls whose arguments start with <paramref name="prefix"/> print and exit as given.</summary>
    /// <param name="prefix">The start of the joined arguments.</param>
    /// <param name="stdout">What to print on stdout.</param>
    /// <param name="stderr">What to print on stderr.</param>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="metadataFixture">A file to copy where <c>--metadata-file</c> points.</param>
    /// <param name="times">How many calls the rule answers (then the next rule does).</param>
    /// <param name="sleepSeconds">How long the call takes before it answers (to show which calls overlap: see <see cref="Events"/>).</param>
    public FakeDocker On(string prefix, string? stdout = null, string? stderr = null, int exitCode = 0, string? metadataFixture = null, int? times = null, double? sleepSeconds = null)
    {
        _rules.Add(new Rule(prefix, stdout, stderr, exitCode, metadataFixture, times, sleepSeconds));
        Write();
        return this;
    }

    /// <summary>Gets each call's argv, in call order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls =>
        Enumerable.Range(1, CallCount).Select(i => (IReadOnlyList<string>)File.ReadAllText(System.IO.Path.Combine(RecordDir, $"{i}.argv")).Split('\0', StringSplitOptions.None)[..^1]).ToArray();

    /// <summary>
    /// Gets when each call started and ended, in the order it happened: <c>start N ARGS</c> as the
    /// call begins, <c>end N</c> as it exits (N is the call's number in <see cref="Calls"/>).
    /// </summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            var events = System.IO.Path.Combine(RecordDir, "events");
            return File.Exists(events) ? File.ReadAllLines(events) : [];
        }
    }

    /// <summary>Gets the environment a call saw.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(int call) =>
        File.ReadAllText(System.IO.Path.Combine(RecordDir, $"{call}.env")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.Last()[1]);

    private int CallCount
    {
        get
        {
            var count = System.IO.Path.Combine(RecordDir, "count");
            return File.Exists(count) ? int.Parse(File.ReadAllText(count).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
    }

    public void Dispose() => _dir.Dispose();

    private void Write()
    {
        var script = new StringBuilder();
        script.Append("#!/bin/bash\n");
        script.Append($"rec={Quote(RecordDir)}\n");
        // Calls may run at the same time (the probes do): numbering and the event log are taken under a lock.
        script.Append("exec 9>>\"$rec/lock\"; flock 9\n");
        script.Append("n=$(( $(cat \"$rec/count\" 2>/dev/null || echo 0) + 1 )); echo $n > \"$rec/count\"\n");
        script.Append("printf '%s\\0' \"$@\" > \"$rec/$n.argv\"\n");
        script.Append("env -0 > \"$rec/$n.env\"\n");
        script.Append("args=\"$*\"\n");
        script.Append("echo \"start $n $args\" >> \"$rec/events\"\n");
        script.Append("trap 'flock 9; echo \"end $n\" >> \"$rec/events\"' EXIT\n");
        var i = 0;
        foreach (var rule in _rules)
        {
            i++;
            var stdout = rule.Stdout is null ? null : _dir.WriteFile($"rules/{i}.out", rule.Stdout);
            var stderr = rule.Stderr is null ? null : _dir.WriteFile($"rules/{i}.err", rule.Stderr);
            var used = Quote(_dir.Combine("calls", $"rule-{i}.used"));
            var limit = rule.Times is { } times ? $" && [ $(cat {used} 2>/dev/null || echo 0) -lt {times} ]" : string.Empty;
            script.Append($"if [[ \"$args\" == {Quote(rule.Prefix)}* ]]{limit}; then\n");
            script.Append($"  echo $(( $(cat {used} 2>/dev/null || echo 0) + 1 )) > {used}\n");
            script.Append("  flock -u 9\n");
            if (rule.SleepSeconds is { } sleep)
            {
                script.Append(FormattableString.Invariant($"  sleep {sleep}\n"));
            }
            if (rule.MetadataFixture is not null)
            {
                script.Append("  prev=; for a in \"$@\"; do if [ \"$prev\" = --metadata-file ]; then cp " + Quote(rule.MetadataFixture) + " \"$a\"; fi; prev=$a; done\n");
            }

            if (stdout is not null)
            {
                script.Append($"  cat {Quote(stdout)}\n");
            }

            if (stderr is not null)
            {
                script.Append($"  cat {Quote(stderr)} >&2\n");
            }

            script.Append($"  exit {rule.ExitCode}\n");
            script.Append("fi\n");
        }

        script.Append("flock -u 9\necho \"fake docker: no rule for: $args\" >&2\nexit 97\n");
        File.WriteAllText(_dir.Combine("rules.sh"), script.ToString());
        if (!File.Exists(Path))
        {
            Directory.CreateDirectory(BinDir);
            File.CreateSymbolicLink(Path, Stub.Value);
        }
    }

    // Writing an executable while another test forks can make exec fail with "Text file busy"
    // (the child holds the write descriptor until its own exec). So the executable is written
    // once, proven runnable, and every fake links to it; the per-test rules are a script that
    // bash reads, never an executed file.
    private static readonly Lazy<string> Stub = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("cake-multiarch-fake-docker-").FullName;
        return TestBed.WriteExecutable(System.IO.Path.Combine(dir, "docker-stub"), "#!/bin/bash\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\n[ -f \"$here/../rules.sh\" ] || exit 0\nexec bash \"$here/../rules.sh\" \"$@\"\n");
    });

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed record Rule(string Prefix, string? Stdout, string? Stderr, int ExitCode, string? MetadataFixture, int? Times, double? SleepSeconds);
}
