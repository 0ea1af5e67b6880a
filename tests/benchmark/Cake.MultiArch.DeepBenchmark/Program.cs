// Deep verification, second level, measured by hand (bash tests/benchmark/run-deep.sh):
//  1. on run.sh's images (TAG_COUNT two-platform tags over the same layers): the layers of
//     every tag's platforms streamed from the registry and read by deep v1 (LayerScanner: the ELF
//     header of each executable) and by deep v2 (ImageTreeBuilder + DeepInspector: merged tree,
//     entry point, loaders, libraries, ARM details), beside a plain download + gunzip, and
//     VerifyManifest deep end to end; ratios from one run, times and allocations per platform
//     image (GC.GetTotalAllocatedBytes(precise: true) around each round; target for v2: at most
//     1.5x v1's), and what v2's last round allocated in its parts (tree, config, checks);
//  2. memory on one synthetic 512 MiB layer and a 64 MiB one with the same 64 files: peak managed
//     heap and allocations of v1 and v2, which must not grow with the layer's size.
// Usage: Cake.MultiArch.DeepBenchmark REGISTRY REPOSITORY TAG_COUNT [ROUNDS]
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Cake.Core.Diagnostics;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest;
using Cake.MultiArch.VerifyManifest.Deep;
using Cake.MultiArch.VerifyManifest.Tree;

var registry = args[0];
var repository = args[1];
var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
// run.sh pushes t0; the 50 tags of the main benchmark share its layers, so the deep work per tag is
// t0's: each tag here is t0 again (the layers read COUNT times, as the main benchmark reads them).
var tags = Enumerable.Repeat($"{registry}/{repository}:t0", count).ToArray();
using var http = new HttpClient();

// Each tag's platforms: (platform, config bytes, layers), read once outside the timings through
// the addin's own registry client.
var images = new List<(Platform Platform, byte[] Config, (string Digest, string MediaType)[] Layers)>();
using (var client = new RegistryClient(new RegistryClientOptions()))
{
    foreach (var tag in tags)
    {
        var reference = ImageReference.Parse(tag);
        var index = (await client.GetManifestAsync(reference, reference.ManifestReference, CancellationToken.None)).ToIndex();
        foreach (var entry in index.Manifests)
        {
            var manifest = (await client.GetManifestAsync(reference, entry.Digest, CancellationToken.None)).ToManifest();
            var config = await client.GetBlobAsync(reference, manifest.Config.Digest, CancellationToken.None);
            images.Add((Platform.Parse(entry.Platform!.ToString()), config, manifest.Layers.Select(l => (l.Digest, l.MediaType ?? string.Empty)).ToArray()));
        }
    }
}

Task<Stream> Blob(string digest) => http.GetStreamAsync($"http://{registry}/v2/{repository}/blobs/{digest}");

async Task DownloadAndGunzip()
{
    foreach (var image in images)
    {
        foreach (var (digest, _) in image.Layers)
        {
            await using var stream = await Blob(digest);
            await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            await gzip.CopyToAsync(Stream.Null);
        }
    }
}

async Task DeepV1()
{
    foreach (var image in images)
    {
        var result = new LayerScanResult();
        foreach (var (digest, mediaType) in image.Layers)
        {
            await using var stream = await Blob(digest);
            await LayerScanner.ScanAsync(stream, mediaType, image.Platform, result, 5, []);
        }

        if (result.OffenderCount > 0)
        {
            throw new InvalidOperationException("v1 found offenders");
        }
    }
}

// The settings a run holds once; their deep options are copied per platform, as VerifyManifest does.
var settings = new VerifyManifestSettings();

// What deep v2's last round allocated in its three parts (layers → merged tree, the config, the checks).
var v2Parts = new long[3];
async Task DeepV2()
{
    Array.Clear(v2Parts);
    foreach (var image in images)
    {
        var start = GC.GetTotalAllocatedBytes(precise: true);
        var builder = new ImageTreeBuilder();
        foreach (var (digest, mediaType) in image.Layers)
        {
            await using var stream = await Blob(digest);
            await builder.ApplyLayerAsync(stream, mediaType, digest);
        }

        var built = GC.GetTotalAllocatedBytes(precise: true);
        var config = ContainerConfig.Parse(image.Config);
        var parsed = GC.GetTotalAllocatedBytes(precise: true);
        var result = new DeepInspector(builder.Tree, config, image.Platform, DeepOptions.From(settings)).Run();
        var checkedAt = GC.GetTotalAllocatedBytes(precise: true);
        v2Parts[0] += built - start;
        v2Parts[1] += parsed - built;
        v2Parts[2] += checkedAt - parsed;
        if (result.Findings.Any(f => f.Severity == DeepFindingSeverity.Error))
        {
            throw new InvalidOperationException(string.Join("; ", result.Findings));
        }
    }
}

async Task VerifyDeep()
{
    var cake = CakeParts.Create(new QuietLog());
    foreach (var tag in tags)
    {
        var settings = new VerifyManifestSettings { Image = tag, Deep = true, ExpectedPlatforms = { "linux/amd64", "linux/arm64" }, Registry = { UseDockerConfig = false } };
        var report = await new VerifyManifestRunner(cake.FileSystem, cake.Environment, cake.ProcessRunner, cake.Tools, cake.Log).RunAsync(settings, CancellationToken.None);
        if (!report.Passed)
        {
            throw new InvalidOperationException(string.Join("; ", report.Problems));
        }
    }
}

// Each round is timed, and its allocations counted (GC.GetTotalAllocatedBytes(precise: true)
// around the round, divided by the platform images read: download and HTTP included, the same
// for every level).
var medians = new Dictionary<string, double>();
var allocated = new Dictionary<string, double>();
foreach (var (name, run) in new (string, Func<Task>)[] { ("download + gunzip layers", DownloadAndGunzip), ("deep v1 (ELF headers)", DeepV1), ("deep v2 (tree + checks)", DeepV2), ("VerifyManifest deep (v2)", VerifyDeep) })
{
    await run();
    var times = new List<double>();
    var bytes = new List<double>();
    for (var r = 0; r < rounds; r++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await run();
        times.Add(clock.Elapsed.TotalMilliseconds);
        bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)images.Count);
    }

    times.Sort();
    bytes.Sort();
    medians[name] = times[times.Count / 2];
    allocated[name] = bytes[bytes.Count / 2];
    Console.WriteLine($"{name,-28} median {medians[name],9:0.0} ms over {rounds} rounds ({string.Join(", ", times.Select(t => t.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms); allocated {allocated[name] / 1024,8:0.0} KiB per platform image");
}

var v1 = medians["deep v1 (ELF headers)"];
var v2 = medians["deep v2 (tree + checks)"];
var download = medians["download + gunzip layers"];
var v1Bytes = allocated["deep v1 (ELF headers)"];
var v2Bytes = allocated["deep v2 (tree + checks)"];
Console.WriteLine($"{tags.Length} tags, {images.Count} platform images");
Console.WriteLine($"deep v2 vs deep v1:           {v2 / v1,5:0.00}x the time (target: at most 1.2x) {(v2 / v1 <= 1.2 ? "MET" : "MISSED")}");
Console.WriteLine($"deep v2 vs download + gunzip: {v2 / download,5:0.00}x the time");
Console.WriteLine($"deep v1 vs download + gunzip: {v1 / download,5:0.00}x the time");
Console.WriteLine($"allocated per platform image: deep v1 {v1Bytes / 1024:0.0} KiB, deep v2 {v2Bytes / 1024:0.0} KiB ({v1Bytes * images.Count / 1048576:0.0} / {v2Bytes * images.Count / 1048576:0.0} MiB for the {images.Count})");
Console.WriteLine($"deep v2's allocations per platform image: layers to merged tree {v2Parts[0] / 1024.0 / images.Count:0.0} KiB, config {v2Parts[1] / 1024.0 / images.Count:0.0} KiB, checks {v2Parts[2] / 1024.0 / images.Count:0.0} KiB (its last round)");
Console.WriteLine($"deep v2 vs deep v1:           {v2Bytes / v1Bytes,5:0.00}x the allocations (target: at most 1.5x) {(v2Bytes / v1Bytes <= 1.5 ? "MET" : "MISSED")}");
Console.WriteLine();

// Memory on a big layer: a synthetic gzip layer of N MiB made of the same 64 ELF files each time
// (the host's /bin/sh followed by filler up to N/64 MiB, so each is read as a dynamic ELF),
// streamed from a temp file: the same number of files, 8 times the bytes.
var shell = File.ReadAllBytes("/bin/sh");
const int Files = 64;
string MakeLayer(int mebibytes)
{
    var path = Path.Combine(Path.GetTempPath(), $"cma-deep-bench-{mebibytes}-{Environment.ProcessId}.tar.gz");
    using var file = File.Create(path);
    using var gzip = new GZipStream(file, CompressionLevel.Fastest);
    using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
    var body = new byte[mebibytes * (1 << 20) / Files];
    shell.CopyTo(body, 0);
    for (var i = 0; i < Files; i++)
    {
        body[shell.Length] = (byte)i;
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"usr/bin/tool{i}") { DataStream = new MemoryStream(body), Mode = (UnixFileMode)0b111_101_101 });
    }

    return path;
}

async Task<(double PeakMiB, double AllocatedMiB, double Ms)> Measure(Func<Stream, Task> scan, string layer)
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var baseline = GC.GetTotalMemory(forceFullCollection: true);
    var peak = baseline;
    using var done = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!done.IsCancellationRequested)
        {
            peak = Math.Max(peak, GC.GetTotalMemory(false));
            await Task.Delay(5);
        }
    });
    var before = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    await using (var stream = File.OpenRead(layer))
    {
        await scan(stream);
    }

    var ms = clock.Elapsed.TotalMilliseconds;
    done.Cancel();
    await sampler;
    return ((peak - baseline) / 1048576.0, (GC.GetTotalAllocatedBytes(precise: true) - before) / 1048576.0, ms);
}

var amd64 = Platform.Parse("linux/amd64");
Task V1(Stream s) => LayerScanner.ScanAsync(s, "application/vnd.oci.image.layer.v1.tar+gzip", amd64, new LayerScanResult(), 5, []);
async Task V2(Stream s)
{
    var builder = new ImageTreeBuilder();
    await builder.ApplyLayerAsync(s, "application/vnd.oci.image.layer.v1.tar+gzip", "sha256:bench");
    new DeepInspector(builder.Tree, ContainerConfig.Parse("{}"u8), amd64, DeepOptions.From(new VerifyManifestSettings())).Run();
}

foreach (var size in new[] { 64, 512 })
{
    var layer = MakeLayer(size);
    try
    {
        await Measure(V1, layer); // warm-up: JIT, page cache
        await Measure(V2, layer);
        var one = await Measure(V1, layer);
        var two = await Measure(V2, layer);
        Console.WriteLine($"{size,4} MiB layer ({Files} ELF files of {size * 1024 / Files} KiB): v1 peak heap +{one.PeakMiB,5:0.0} MiB, {one.AllocatedMiB,5:0.0} MiB allocated, {one.Ms,6:0} ms; v2 peak heap +{two.PeakMiB,5:0.0} MiB, {two.AllocatedMiB,5:0.0} MiB allocated, {two.Ms,6:0} ms");
    }
    finally
    {
        File.Delete(layer);
    }
}

internal sealed class QuietLog : ICakeLog
{
    public Verbosity Verbosity { get; set; } = Verbosity.Quiet;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
    }
}
