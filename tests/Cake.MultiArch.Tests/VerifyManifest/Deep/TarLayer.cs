using System.Formats.Tar;
using System.IO.Compression;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest;
using Cake.MultiArch.VerifyManifest.Deep;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.Tests.VerifyManifest.Deep;

/// <summary>Writes synthetic tar layers with System.Formats.Tar, the way image builders lay them out.</summary>
internal sealed class TarLayer
{
    public static readonly UnixFileMode Exec = (UnixFileMode)0b111_101_101;
    public static readonly UnixFileMode Data = (UnixFileMode)0b110_100_100;

    private readonly MemoryStream _tar = new();
    private readonly TarWriter _writer;

    public TarLayer()
    {
        _writer = new TarWriter(_tar, TarEntryFormat.Pax, leaveOpen: true);
    }

    public TarLayer Dir(string name)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = Exec });
        return this;
    }

    public TarLayer File(string name, byte[] data, UnixFileMode? mode = null)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = mode ?? Exec });
        return this;
    }

    public TarLayer Text(string name, string text, UnixFileMode? mode = null) => File(name, System.Text.Encoding.UTF8.GetBytes(text), mode);

    public TarLayer Symlink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = Exec });
        return this;
    }

    public TarLayer HardLink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = Data });
        return this;
    }

    public TarLayer Whiteout(string name) => File(name, [], Data);

    public TarLayer Global()
    {
        _writer.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "made by a test" }));
        return this;
    }

    /// <summary>The layer as a plain tar.</summary>
    public byte[] Tar()
    {
        _writer.Dispose();
        return _tar.ToArray();
    }

    public byte[] Gzip()
    {
        _writer.Dispose();
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(_tar.ToArray());
        }

        return output.ToArray();
    }

    /// <summary>The layer digests the tests name: sha256:1111…, sha256:2222…</summary>
    public static string Digest(int layer) => "sha256:" + new string((char)('1' + layer), 64);

    public static async Task<ImageTree> MergeAsync(params TarLayer[] layers)
    {
        var builder = new ImageTreeBuilder();
        for (var i = 0; i < layers.Length; i++)
        {
            await builder.ApplyLayerAsync(new MemoryStream(layers[i].Gzip()), "application/vnd.oci.image.layer.v1.tar+gzip", Digest(i), TestContext.Current.CancellationToken);
        }

        return builder.Tree;
    }

    public static DeepResult Inspect(ImageTree tree, Platform platform, string configJson, Action<VerifyManifestSettings>? configure = null)
    {
        var settings = new VerifyManifestSettings();
        configure?.Invoke(settings);
        return new DeepInspector(tree, ContainerConfig.Parse(System.Text.Encoding.UTF8.GetBytes(configJson)), platform, DeepOptions.From(settings)).Run();
    }
}
