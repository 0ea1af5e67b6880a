// Times the Dockerfile preflight without registry requests (parse + every rule) on a generated
// Dockerfile of about 2,000 lines (50 stages with global ARGs, continuations, heredocs, compiles),
// beside one manifest request to a registry (by default the test bed's, on loopback: the fastest
// a registry request gets). Usage: Cake.MultiArch.PreflightBenchmark [REGISTRY] [ROUNDS]
using System.Diagnostics;
using System.Text;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Registry;

var registry = args.Length > 0 ? args[0] : "127.0.0.1:5000";
var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;

var text = new StringBuilder("# syntax=docker/dockerfile:1.7\nARG REGISTRY=" + registry + "\nARG TAG=1\n");
for (var stage = 0; text.ToString().Count(c => c == '\n') < 1990; stage++)
{
    text.Append($"\n# stage {stage}\nFROM --platform=$BUILDPLATFORM ${{REGISTRY}}/testbed/busybox:${{TAG}} AS s{stage}\nARG TARGETOS TARGETARCH\nWORKDIR /src/{stage}\n");
    text.Append("COPY --link go.mod go.sum ./\nRUN --mount=type=cache,target=/root/.cache \\\n    go mod download \\\n    && echo ok\n");
    text.Append("COPY <<EOF /src/config.json\n{\"arch\": \"$TARGETARCH\", \"os\": \"$TARGETOS\"}\nEOF\n");
    text.Append("RUN <<-SCRIPT\n\tset -e\n\tGOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .\n\techo ${TARGETARCH:-none}\n\tSCRIPT\n");
    for (var i = 0; i < 20; i++)
    {
        text.Append($"ENV VAR_{i}=\"${{TARGETARCH}}-{i}\" \\\n    OTHER_{i}='$literal'\n");
    }
}

text.Append("FROM ${REGISTRY}/testbed/busybox:${TAG}\n");
for (var i = 0; i < 50; i++)
{
    text.Append($"COPY --from=s{i} /out/app /app{i}\n");
}

var dir = Directory.CreateTempSubdirectory("preflight-bench-");
var path = System.IO.Path.Combine(dir.FullName, "Dockerfile");
File.WriteAllText(path, text.ToString());
var lines = File.ReadAllLines(path).Length;

var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
var runner = new CheckDockerfileRunner(new FileSystem(), environment, new NullLog());
var settings = new CheckDockerfileSettings { CheckBaseImages = false, BuildPlatform = "linux/amd64", Platforms = { "linux/amd64", "linux/arm64" } };

var first = Stopwatch.StartNew();
await runner.CheckAsync(path, settings);
var cold = first.Elapsed.TotalMilliseconds; // the first call of a Cake run: JIT included
var check = await Time(async () => (await runner.CheckAsync(path, settings)).Findings.Count);
using var client = new RegistryClient(new RegistryClientOptions());
var reference = ImageReference.Parse($"{registry}/testbed/busybox:1");
first.Restart();
await client.GetManifestAsync(reference, "1");
var coldRequest = first.Elapsed.TotalMilliseconds;
var request = await Time(async () => (await client.GetManifestAsync(reference, "1")).Bytes.Length);

Console.WriteLine($"Dockerfile: {lines} lines, {text.ToString().Split("\nFROM ").Length - 1} stages; {rounds} rounds, median (min)");
Console.WriteLine($"  preflight without registry (read + parse + rules): {check.Median,8:0.00} ms ({check.Min:0.00}); first call {cold:0.0} ms");
Console.WriteLine($"  one manifest request to {registry}:      {request.Median,8:0.00} ms ({request.Min:0.00}); first call {coldRequest:0.0} ms");
Console.WriteLine($"  ratio: the preflight takes {check.Median / request.Median:0.00} of one loopback registry request");
dir.Delete(recursive: true);

async Task<(double Median, double Min)> Time(Func<Task<int>> work)
{
    for (var i = 0; i < 30; i++)
    {
        await work(); // warm-up: tiered JIT promotes the hot methods, the connection is open
    }

    var times = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        var watch = Stopwatch.StartNew();
        await work();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return (times[times.Count / 2], times[0]);
}
