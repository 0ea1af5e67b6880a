// Verifies N tags × 2 platforms against a local registry, shallow and deep, and prints the time
// beside the same work done by a loop of `docker manifest inspect`, a loop of
// `skopeo inspect --raw`, and a plain download + gunzip of the same layers, as ratios.
// Usage: Cake.MultiArch.Benchmark REGISTRY REPOSITORY TAG_COUNT [ROUNDS]
// The registry holds REPOSITORY:t0 (a two-platform index); this program first makes t1…tN-1,
// each a distinct image (its own configs, manifests and index) over the same layers.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.IO.Compression;
using System.Text.Json;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;

var registry = args[0];
var repository = args[1];
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
var tags = Enumerable.Range(0, count).Select(i => $"{registry}/{repository}:t{i}").ToArray();
var log = new QuietLog();
var cake = CakeParts.Create(log);

const int Width = 8;

async Task Verify(bool deep)
{
    foreach (var tag in tags)
    {
        var settings = new VerifyManifestSettings { Image = tag, Deep = deep, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Registry = { UseDockerConfig = false } };
        var report = await new VerifyManifestRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log).RunAsync(settings, CancellationToken.None);
        if (!report.Passed)
        {
            throw new InvalidOperationException(string.Join("; ", report.Problems));
        }
    }
}

async Task VerifyMany(bool deep)
{
    var settings = new VerifyManifestSettings { Deep = deep, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Registry = { UseDockerConfig = false } };
    var reports = await new VerifyManifestRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log).RunManyAsync(tags, settings, Width);
    if (reports.Any(r => !r.Passed))
    {
        throw new InvalidOperationException(string.Join("; ", reports.SelectMany(r => r.Problems)));
    }
}

string Exec(string file, params string[] arguments)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    var error = process.StandardError.ReadToEnd();
    process.WaitForExit();
    return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} failed: {error}");
}

void Loop(string file, Func<string, string[]> arguments)
{
    foreach (var tag in tags)
    {
        Exec(file, arguments(tag));
    }
}

IEnumerable<string> PlatformDigests(string indexJson)
{
    using var index = JsonDocument.Parse(indexJson);
    return index.RootElement.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("digest").GetString()!).ToArray();
}

// The same facts with the CLI tools: the index, then each platform's manifest (docker cannot
// read a config; skopeo reads it with --config): what a script must do to check as much.
void DockerSameWork()
{
    foreach (var tag in tags)
    {
        var repo = tag[..tag.LastIndexOf(':')];
        foreach (var digest in PlatformDigests(Exec("docker", "manifest", "inspect", "--insecure", tag)))
        {
            Exec("docker", "manifest", "inspect", "--insecure", $"{repo}@{digest}");
        }
    }
}

void SkopeoSameWork()
{
    foreach (var tag in tags)
    {
        var repo = tag[..tag.LastIndexOf(':')];
        foreach (var digest in PlatformDigests(Exec("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + tag)))
        {
            Exec("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{repo}@{digest}");
            Exec("skopeo", "inspect", "--config", "--tls-verify=false", $"docker://{repo}@{digest}");
        }
    }
}

// The layers every tag's two platforms point at (read once, outside the timings).
using var http = new HttpClient();
async Task<JsonDocument> Get(string path, string accept)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/{repository}/{path}");
    request.Headers.Accept.ParseAdd(accept);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
}

async Task<string> Put(string path, byte[] body, string contentType)
{
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
    using var response = await http.PutAsync($"http://{registry}/v2/{repository}/{path}", content);
    response.EnsureSuccessStatusCode();
    return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
}

async Task<byte[]> Raw(string path, string accept)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/{repository}/{path}");
    request.Headers.Accept.ParseAdd(accept);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return await response.Content.ReadAsByteArrayAsync();
}

// Make t1…tN-1: the same layers, but each its own configs (a label), manifests and index.
var baseIndex = JsonNode.Parse(await Raw("manifests/t0", MediaTypes.OciIndex))!;
for (var i = 1; i < count; i++)
{
    var index = baseIndex.DeepClone();
    foreach (var entry in index["manifests"]!.AsArray())
    {
        var manifest = JsonNode.Parse(await Raw("manifests/" + entry!["digest"]!.GetValue<string>(), MediaTypes.OciManifest))!;
        var config = JsonNode.Parse(await Raw("blobs/" + manifest["config"]!["digest"]!.GetValue<string>(), "*/*"))!;
        config["config"] ??= new JsonObject();
        config["config"]!["Labels"] = new JsonObject { ["cake.multiarch.bench"] = $"t{i}" };
        var configBytes = System.Text.Encoding.UTF8.GetBytes(config.ToJsonString());
        var configDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes));
        using (var start = await http.PostAsync($"http://{registry}/v2/{repository}/blobs/uploads/", null))
        {
            var location = start.Headers.Location!;
            var upload = location.IsAbsoluteUri ? location.ToString() : $"http://{registry}{location}";
            using var body = new ByteArrayContent(configBytes);
            using var put = await http.PutAsync($"{upload}{(upload.Contains('?') ? "&" : "?")}digest={configDigest}", body);
            put.EnsureSuccessStatusCode();
        }

        manifest["config"]!["digest"] = configDigest;
        manifest["config"]!["size"] = configBytes.Length;
        var manifestBytes = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var manifestDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifestBytes));
        await Put("manifests/" + manifestDigest, manifestBytes, MediaTypes.OciManifest);
        entry["digest"] = manifestDigest;
        entry["size"] = manifestBytes.Length;
    }

    await Put($"manifests/t{i}", System.Text.Encoding.UTF8.GetBytes(index.ToJsonString()), MediaTypes.OciIndex);
}

var layers = new List<string>();
long layerBytes = 0;
using (var index = await Get("manifests/t0", MediaTypes.OciIndex))
{
    foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
    {
        using var manifest = await Get("manifests/" + entry.GetProperty("digest").GetString(), MediaTypes.OciManifest);
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            layers.Add(layer.GetProperty("digest").GetString()!);
            layerBytes += layer.GetProperty("size").GetInt64();
        }
    }
}

async Task DownloadAndGunzipOne(string digest, CancellationToken token)
{
    await using var stream = await http.GetStreamAsync($"http://{registry}/v2/{repository}/blobs/{digest}", token);
    await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
    await gzip.CopyToAsync(Stream.Null, token);
}

async Task DownloadAndGunzip()
{
    foreach (var _ in tags)
    {
        foreach (var digest in layers)
        {
            await DownloadAndGunzipOne(digest, CancellationToken.None);
        }
    }
}

Task DownloadAndGunzipMany() =>
    System.Threading.Tasks.Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = Width }, async (_, token) =>
    {
        await Task.WhenAll(layers.Select(d => DownloadAndGunzipOne(d, token)));
    });

// The floor for checks 1–3: the same five GETs per image (index, two manifests, two configs)
// with a bare HttpClient and the least parsing, eight images at a time.
async Task BareGets(string tag)
{
    var name = tag[(tag.LastIndexOf(':') + 1)..];
    using var index = JsonDocument.Parse(await Raw("manifests/" + name, MediaTypes.OciIndex));
    await Task.WhenAll(index.RootElement.GetProperty("manifests").EnumerateArray().Select(async entry =>
    {
        using var manifest = JsonDocument.Parse(await Raw("manifests/" + entry.GetProperty("digest").GetString(), MediaTypes.OciManifest));
        await Raw("blobs/" + manifest.RootElement.GetProperty("config").GetProperty("digest").GetString(), "*/*");
    }));
}

async Task BareGetsOneAtATime()
{
    foreach (var tag in tags)
    {
        await BareGets(tag);
    }
}

Task BareGetsMany() =>
    System.Threading.Tasks.Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = Width }, async (tag, token) => await BareGets(tag));

var hasDocker = File.Exists("/usr/bin/docker") || File.Exists("/usr/local/bin/docker");
var work = new (string Name, Func<Task> Run)[]
{
    ("VerifyManifest shallow", () => Verify(deep: false)),
    ($"VerifyManifests shallow ({Width}x)", () => VerifyMany(deep: false)),
    ("bare GETs, checks 1-3", BareGetsOneAtATime),
    ($"bare GETs, checks 1-3 ({Width}x)", BareGetsMany),
    ("VerifyManifest deep", () => Verify(deep: true)),
    ($"VerifyManifests deep ({Width}x)", () => VerifyMany(deep: true)),
    ("download + gunzip layers", DownloadAndGunzip),
    ($"download + gunzip ({Width}x)", DownloadAndGunzipMany),
    ("docker manifest inspect loop", () => { Loop("docker", t => ["manifest", "inspect", "--insecure", t]); return Task.CompletedTask; }),
    ("docker loop, same facts", () => { DockerSameWork(); return Task.CompletedTask; }),
    ("skopeo inspect --raw loop", () => { Loop("skopeo", t => ["inspect", "--raw", "--tls-verify=false", "docker://" + t]); return Task.CompletedTask; }),
    ("skopeo loop, same facts", () => { SkopeoSameWork(); return Task.CompletedTask; }),
};

var medians = new Dictionary<string, double>();
foreach (var (name, run) in work)
{
    if (name.StartsWith("docker", StringComparison.Ordinal) && !hasDocker)
    {
        continue;
    }

    await run(); // warm-up: JIT, connections, registry caches
    var times = new List<double>();
    long allocated = 0;
    for (var r = 0; r < rounds; r++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await run();
        times.Add(clock.Elapsed.TotalMilliseconds);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    times.Sort();
    medians[name] = times[times.Count / 2];
    Console.WriteLine($"{name,-34} median {medians[name],9:0.0} ms over {rounds} rounds ({string.Join(", ", times.Select(t => t.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms){(name.StartsWith("Verify", StringComparison.Ordinal) || name.StartsWith("download", StringComparison.Ordinal) ? $", {allocated / 1024.0 / 1024.0:0.0} MiB allocated in-process" : string.Empty)}");
}

Console.WriteLine();
Console.WriteLine($"{tags.Length} tags × 2 platforms; {layers.Count} layers per tag, {layerBytes / 1024.0 / 1024.0:0.00} MiB compressed per tag");
var shallow = medians["VerifyManifest shallow"];
var shallowMany = medians[$"VerifyManifests shallow ({Width}x)"];
var deep = medians["VerifyManifest deep"];
var deepMany = medians[$"VerifyManifests deep ({Width}x)"];
var download = medians["download + gunzip layers"];
var downloadMany = medians[$"download + gunzip ({Width}x)"];
var floor = medians[$"bare GETs, checks 1-3 ({Width}x)"];
var skopeo = medians["skopeo inspect --raw loop"];
var skopeoSame = medians["skopeo loop, same facts"];
if (medians.TryGetValue("docker manifest inspect loop", out var docker))
{
    var dockerSame = medians["docker loop, same facts"];
    Console.WriteLine("shallow = index + each platform's manifest + each platform's config (5 GETs per image):");
    Console.WriteLine($"  vs a docker loop doing the same work (index + 2 manifests: 3 calls a tag; docker cannot read configs): {dockerSame / shallow,5:0.0}x faster one image at a time, {dockerSame / shallowMany,5:0.0}x with VerifyManifests, the alias for many tags (target: at least 10x) {(dockerSame / shallowMany >= 10 ? "MET" : "MISSED")}");
    Console.WriteLine($"  vs one docker manifest inspect a tag (the index only, less work):                                  {docker / shallow,5:0.0}x faster one image at a time, {docker / shallowMany,5:0.0}x with VerifyManifests");
    Console.WriteLine($"  the registry's floor, 5 bare GETs an image {Width} at a time, vs that one-call loop: {docker / floor,5:0.0}x: no client checks index, manifests and configs faster here");
    Console.WriteLine($"  VerifyManifest's own cost over bare GETs: {shallow / medians["bare GETs, checks 1-3"],4:0.00}x one image at a time, {shallowMany / floor,4:0.00}x {Width} at a time");
}

Console.WriteLine($"  vs a skopeo loop doing the same work (index, 2 manifests, 2 configs: 5 calls a tag):               {skopeoSame / shallow,5:0.0}x faster");
Console.WriteLine($"  vs one skopeo inspect --raw a tag (the index only):                                                  {skopeo / shallow,5:0.0}x faster");
Console.WriteLine($"deep vs download + gunzip, one image at a time:               {deep / download,5:0.00}x the time (target: at most 2x) {(deep / download <= 2 ? "MET" : "MISSED")}");
Console.WriteLine($"deep vs download + gunzip, {Width} at a time:                   {deepMany / downloadMany,5:0.00}x the time (target: at most 2x) {(deepMany / downloadMany <= 2 ? "MET" : "MISSED")}");

internal sealed class QuietLog : ICakeLog
{
    public Verbosity Verbosity { get; set; } = Verbosity.Quiet;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
    }
}
