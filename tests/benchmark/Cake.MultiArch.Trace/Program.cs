// Where a cold `dotnet cake` run's first use of the addin goes, from an EventPipe trace written with
// the runtime's JIT, loader and type-load events (../trace.sh sets them up):
//   dotnet run -- TRACE.nettrace [TOP]
// The window opens when the first alias is JIT-compiled or, from a ReadyToRun copy of the addin, its
// precompiled code is first looked up (Cake.MultiArch.MultiArchAliases: the script calls the addin for
// the first time; Cake's start and the script's compilation are over, bar the background tier-1
// recompilations they leave) and closes at the trace's end: the addin's first use and Cake's shut-down.
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

var file = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Cake.MultiArch.Trace TRACE.nettrace [TOP]");
var top = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
var trace = Trace.Read(file);
trace.Print(top);

internal sealed record Jitted(string Name, double Start, double Ms, bool Rejit, int Thread, string Tier);

internal sealed record Loaded(string Name, double Start, double Ms);

// A method whose ReadyToRun code the runtime took instead of JIT-compiling it (CompilationDiagnostic keyword).
internal sealed record Precompiled(string Name, double Start, int Thread);

internal sealed class Trace
{
    private readonly List<Jitted> _jitted = [];
    private readonly List<Loaded> _types = [];
    private readonly List<Precompiled> _precompiled = [];
    private readonly List<(string Name, double At)> _assemblies = [];
    private double _end;

    public static Trace Read(string file)
    {
        var trace = new Trace();
        var jitStarts = new Dictionary<long, (string Name, double At, int Thread)>();
        var typeStarts = new Dictionary<(int Thread, long Id), double>();
        using var source = new EventPipeEventSource(file);
        source.Clr.MethodJittingStarted += e => jitStarts[e.MethodID] = ($"{e.MethodNamespace}.{e.MethodName}", e.TimeStampRelativeMSec, e.ThreadID);
        source.Clr.MethodLoadVerbose += e =>
        {
            if (jitStarts.Remove(e.MethodID, out var start))
            {
                // Tier-1 and OSR recompilations of hot methods run on a background thread.
                var rejit = e.OptimizationTier is OptimizationTier.OptimizedTier1 or OptimizationTier.OptimizedTier1OSR;
                trace._jitted.Add(new Jitted(start.Name, start.At, e.TimeStampRelativeMSec - start.At, rejit, start.Thread, e.OptimizationTier.ToString()));
            }
        };
        source.Clr.MethodR2RGetEntryPoint += e => trace._precompiled.Add(new Precompiled($"{e.MethodNamespace}.{e.MethodName}", e.TimeStampRelativeMSec, e.ThreadID));
        source.Clr.TypeLoadStart += e => typeStarts[(e.ThreadID, e.TypeLoadStartID)] = e.TimeStampRelativeMSec;
        source.Clr.TypeLoadStop += e =>
        {
            if (typeStarts.Remove((e.ThreadID, e.TypeLoadStartID), out var at))
            {
                trace._types.Add(new Loaded(e.TypeName, at, e.TimeStampRelativeMSec - at));
            }
        };
        source.Clr.LoaderAssemblyLoad += e => trace._assemblies.Add((e.FullyQualifiedAssemblyName.Split(',')[0], e.TimeStampRelativeMSec));
        source.AllEvents += e => trace._end = Math.Max(trace._end, e.TimeStampRelativeMSec);
        source.Process();
        return trace;
    }

    public void Print(int top)
    {
        static bool IsAlias(string name) => name.StartsWith("Cake.MultiArch.MultiArchAliases.", StringComparison.Ordinal);
        var first = _jitted.Where(j => IsAlias(j.Name)).Select(j => (j.Start, j.Thread))
            .Concat(_precompiled.Where(p => IsAlias(p.Name)).Select(p => (p.Start, p.Thread)))
            .OrderBy(f => f.Start).FirstOrDefault((Start: double.NaN, Thread: 0));
        if (double.IsNaN(first.Start))
        {
            Console.WriteLine("no alias of the addin (Cake.MultiArch.MultiArchAliases) was JIT-compiled or taken precompiled in this trace");
            return;
        }

        var from = first.Start;
        var jitted = _jitted.Where(j => j.Start >= from && !j.Rejit).ToList();
        var rejitted = _jitted.Where(j => j.Start >= from && j.Rejit).ToList();
        var types = _types.Where(t => t.Start >= from).ToList();
        var assemblies = _assemblies.Where(a => a.At >= from).Select(a => a.Name).ToList();
        Console.WriteLine($"trace: {_end:F0} ms in all; the addin's window (its first alias called → end): {_end - from:F0} ms");
        Console.WriteLine($"JIT in the window, first compilations: {jitted.Count} methods, {jitted.Sum(j => j.Ms):F0} ms; background tier-1 recompilations: {rejitted.Count}, {rejitted.Sum(j => j.Ms):F0} ms (in the whole run: {_jitted.Count} compilations, {_jitted.Sum(j => j.Ms):F0} ms)");
        var roslyn = jitted.Where(j => j.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToList();
        if (roslyn.Count > 0)
        {
            Console.WriteLine($"of which Roslyn (Microsoft.CodeAnalysis): {roslyn.Count} methods, {roslyn.Sum(j => j.Ms):F0} ms, from +{roslyn.Min(j => j.Start) - from:F0} to +{roslyn.Max(j => j.Start) - from:F0} ms into the window");
        }

        var addin = jitted.Where(j => j.Name.StartsWith("Cake.MultiArch", StringComparison.Ordinal)).ToList();
        if (Environment.GetEnvironmentVariable("TRACE_DEBUG") is not null)
        {
            foreach (var j in addin.Take(8).Concat(roslyn.Take(5)).Concat(jitted.Where(j => j.Name.StartsWith("Submission", StringComparison.Ordinal))))
            {
                Console.WriteLine($"  +{j.Start - from:F0} {j.Name}");
            }
        }

        if (Environment.GetEnvironmentVariable("TRACE_TIMELINE") is not null)
        {
            // Per 100 ms of the window: JIT on the thread that called the alias and on the others,
            // and the addin's first methods compiled then (what the call was doing).
            Console.WriteLine("| window ms | JIT ms, alias's thread | JIT ms, other threads | the addin's first methods then |");
            Console.WriteLine("| --- | --- | --- | --- |");
            foreach (var bucket in jitted.GroupBy(j => (int)((j.Start - from) / 100)).OrderBy(g => g.Key))
            {
                var names = bucket.Where(j => j.Name.StartsWith("Cake.MultiArch", StringComparison.Ordinal)).Take(3).Select(j => j.Name.Replace("Cake.MultiArch.", "", StringComparison.Ordinal));
                Console.WriteLine($"| +{bucket.Key * 100} | {bucket.Where(j => j.Thread == first.Thread).Sum(j => j.Ms):F0} | {bucket.Where(j => j.Thread != first.Thread).Sum(j => j.Ms):F0} | {string.Join("; ", names)} |");
            }
        }

        if (Environment.GetEnvironmentVariable("TRACE_RANGE") is { } range)
        {
            // TRACE_RANGE=FROM,TO (ms into the window): every first compilation then, in order.
            var bounds = range.Split(',').Select(b => double.Parse(b, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            foreach (var j in jitted.Where(j => j.Start - from >= bounds[0] && j.Start - from < bounds[1]))
            {
                Console.WriteLine($"  +{j.Start - from:F0} {(j.Thread == first.Thread ? "alias" : "other")} {j.Tier} {j.Ms:F1} {j.Name}");
            }
        }

        Console.WriteLine($"first compilations by tier: {string.Join(", ", jitted.GroupBy(j => j.Tier).Select(g => $"{g.Key} {g.Count()} ({g.Sum(j => j.Ms):F0} ms)"))}");
        Console.WriteLine($"of which the addin (Cake.MultiArch): {addin.Count} methods, {addin.Sum(j => j.Ms):F0} ms; its last at +{(addin.Count > 0 ? addin.Max(j => j.Start) - from : 0):F0} ms");
        var precompiled = _precompiled.Where(p => p.Start >= from).ToList();
        Console.WriteLine($"methods taken precompiled (ReadyToRun) in the window: {precompiled.Count}, of which the addin's: {precompiled.Count(p => p.Name.StartsWith("Cake.MultiArch.", StringComparison.Ordinal))}");
        Console.WriteLine($"type loads in the window: {types.Count}, {types.Sum(t => t.Ms):F0} ms (nested loads counted in their parent too)");
        Console.WriteLine($"assemblies loaded in the window: {assemblies.Count} (in the whole run: {_assemblies.Count}): {string.Join(", ", assemblies)}");
        Console.WriteLine();
        Console.WriteLine("| JIT time by namespace (window) | methods | ms |");
        Console.WriteLine("| --- | --- | --- |");
        foreach (var group in jitted.GroupBy(j => Namespace(j.Name)).OrderByDescending(g => g.Sum(j => j.Ms)).Take(top))
        {
            Console.WriteLine($"| {group.Key} | {group.Count()} | {group.Sum(j => j.Ms):F1} |");
        }

        Console.WriteLine();
        Console.WriteLine("| costliest methods to JIT (window) | ms |");
        Console.WriteLine("| --- | --- |");
        foreach (var method in jitted.OrderByDescending(j => j.Ms).Take(top))
        {
            Console.WriteLine($"| {method.Name} | {method.Ms:F1} |");
        }

        Console.WriteLine();
        Console.WriteLine("| costliest type loads (window) | ms |");
        Console.WriteLine("| --- | --- |");
        foreach (var type in types.OrderByDescending(t => t.Ms).Take(top))
        {
            Console.WriteLine($"| {type.Name} | {type.Ms:F1} |");
        }
    }

    // The first three segments of a type's namespace: System.Text.Json, Cake.MultiArch.Registry, …
    private static string Namespace(string method)
    {
        var parts = method.Split('.');
        return string.Join('.', parts.Take(Math.Min(3, Math.Max(1, parts.Length - 2))));
    }
}
