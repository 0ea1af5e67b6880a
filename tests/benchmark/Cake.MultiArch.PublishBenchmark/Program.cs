// Merges and promotes N images × 2 platforms (single-platform manifests pushed by digest, as
// native runners leave them) into tagged two-platform indexes in another repository, with the
// addin (MergeImages + promotion, pure HTTP) and with `docker buildx imagetools create`, and
// prints the medians and their ratio.
// Usage: Cake.MultiArch.PublishBenchmark REGISTRY IMAGE_COUNT [ROUNDS]
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Cake.Core.Diagnostics;
using Cake.MultiArch.MergeImages;
using Cake.MultiArch.Registry;

var registry = args[0];
var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
var source = ImageReference.Parse($"{registry}/bench/src");
var log = new QuietLog();

// Set-up: N distinct images per platform, each a config and a 1 MiB layer of its own.
var images = new List<(string Amd64, string Arm64)>();
using (var client = new RegistryClient(new RegistryClientOptions()))
{
    for (var i = 0; i < count; i++)
    {
        images.Add((await PushAsync(client, i, "amd64"), await PushAsync(client, i, "arm64")));
    }
}

async Task<string> PushAsync(RegistryClient client, int i, string arch)
{
    var layer = new byte[1024 * 1024];
    new Random(i * 2 + (arch == "arm64" ? 1 : 0)).NextBytes(layer);
    var layerDigest = Digest(layer);
    await client.UploadBlobAsync(source, layerDigest, () => new MemoryStream(layer));
    var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"{arch}\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"i\":\"{i}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{layerDigest}\"]}}}}");
    var configDigest = Digest(config);
    await client.UploadBlobAsync(source, configDigest, () => new MemoryStream(config));
    var manifest = Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{MediaTypes.OciManifest}\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}},\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{layerDigest}\",\"size\":{layer.Length}}}]}}");
    return await client.PutManifestAsync(source, Digest(manifest), MediaTypes.OciManifest, manifest);
}

static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

void Addin(int round, bool verify)
{
    for (var i = 0; i < count; i++)
    {
        var settings = new MergeImagesSettings
        {
            Repository = source.ToString(),
            Images = { images[i].Amd64, images[i].Arm64 },
            ExpectedPlatforms = { "linux/amd64", "linux/arm64" },
            Tags = { $"{registry}/bench/rel-addin-{round + 1}-{(verify ? "v" : "n")}:t{i}" },
            Verify = verify,
            Deep = false,
            Registry = { UseDockerConfig = false },
        };
        new MergeImagesRunner(log).Run(settings);
    }
}

void Imagetools(int round)
{
    for (var i = 0; i < count; i++)
    {
        var start = new ProcessStartInfo("docker", ["buildx", "imagetools", "create", "--progress=quiet", "-t", $"{registry}/bench/rel-itc-{round}:t{i}", $"{source}@{images[i].Amd64}", $"{source}@{images[i].Arm64}"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("imagetools create failed: " + output);
        }
    }
}

double Median(Action<int> work)
{
    var times = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        work(round);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}

Addin(-1, false); // warm up (JIT, connections)
var addin = Median(r => Addin(r, false));
var addinVerified = Median(r => Addin(r, true));
var imagetools = Median(Imagetools);
Console.WriteLine($"merge + promote {count} images x 2 platforms into another repository, median of {rounds} rounds:");
Console.WriteLine($"  MergeImages + promotion (addin, HTTP)            {addin,8:0} ms");
Console.WriteLine($"  MergeImages + shallow verification + promotion   {addinVerified,8:0} ms");
Console.WriteLine($"  docker buildx imagetools create                  {imagetools,8:0} ms");
Console.WriteLine($"  ratio imagetools / addin: {imagetools / addin:0.0}x (with verification: {imagetools / addinVerified:0.0}x)");

internal sealed class QuietLog : ICakeLog
{
    public Verbosity Verbosity { get; set; } = Verbosity.Quiet;

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
    }
}
