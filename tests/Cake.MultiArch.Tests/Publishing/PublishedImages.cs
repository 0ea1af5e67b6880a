using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Publishing;

/// <summary>What the publishing aliases' real-registry tests read from the RegistryBed: the good image's digests, the blobs of a copy.</summary>
/// <param name="bed">The registry bed.</param>
internal sealed class PublishedImages(RegistryBed bed)
{
    internal static readonly CancellationToken None = CancellationToken.None;

    internal static string Suffix() => Guid.NewGuid().ToString("N")[..8];

    internal static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal async Task<(string Index, string Amd64, string Arm64)> GoodDigestsAsync()
    {
        var (_, index) = await bed.GetAsync(bed.Open, "cma/good/manifests/oci", MediaTypes.OciIndex);
        var manifests = JsonNode.Parse(index)!["manifests"]!.AsArray();
        string Of(string arch) => (string)manifests.First(m => (string?)m!["platform"]!["architecture"] == arch)!["digest"]!;
        return (Digest(index), Of("amd64"), Of("arm64"));
    }

    internal async Task<int> BlobCountAsync(string repository, string digest)
    {
        var (_, index) = await bed.GetAsync(bed.Open, $"{repository}/manifests/{digest}", MediaTypes.OciIndex);
        var blobs = new HashSet<string>();
        foreach (var child in JsonNode.Parse(index)!["manifests"]!.AsArray())
        {
            var (_, manifest) = await bed.GetAsync(bed.Open, $"{repository}/manifests/{child!["digest"]}", MediaTypes.OciManifest);
            var node = JsonNode.Parse(manifest)!;
            blobs.Add((string)node["config"]!["digest"]!);
            foreach (var layer in node["layers"]!.AsArray())
            {
                blobs.Add((string)layer!["digest"]!);
            }
        }

        return blobs.Count;
    }
}
