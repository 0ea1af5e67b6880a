using System.Formats.Tar;
using System.IO.Compression;
using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.VerifyManifest;

public sealed class LayerScannerTests
{
    private static byte[] Layer(params (string Name, byte[] Data, UnixFileMode Mode)[] files)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "./bin/"));
            foreach (var (name, data, mode) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = mode });
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "./bin/sh") { LinkName = "busybox" });
        }

        return tar.ToArray();
    }

    private static readonly UnixFileMode Exec = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private static readonly UnixFileMode Data = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }

    private static byte[] Zstd(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var zstd = new ZstdSharp.CompressionStream(output, 3, leaveOpen: true))
        {
            zstd.Write(tar);
        }

        return output.ToArray();
    }

    private static byte[] Host => File.ReadAllBytes("/bin/sh");

    [Theory]
    [InlineData("application/vnd.oci.image.layer.v1.tar+gzip")]
    [InlineData("application/vnd.docker.image.rootfs.diff.tar.gzip")]
    [InlineData("application/vnd.oci.image.layer.v1.tar+zstd")]
    [InlineData("application/vnd.oci.image.layer.v1.tar")]
    public async Task Should_Find_Foreign_Executables_In_Every_Compression(string mediaType)
    {
        // Given: a host binary (amd64 here) as an executable and as a shared library, a script, and data.
        var tar = Layer(
            ("./bin/app", Host, Exec),
            ("./lib/libfoo.so.1", Host, Data),
            ("./bin/run.sh", "#!/bin/sh\necho hi\n"u8.ToArray(), Exec),
            ("./etc/data.bin", Host, Data));
        var blob = mediaType.EndsWith("gzip", StringComparison.Ordinal) ? Gzip(tar) : mediaType.EndsWith("zstd", StringComparison.Ordinal) ? Zstd(tar) : tar;
        var foreign = Platform.Host.Architecture == "arm64" ? Platform.Parse("linux/s390x") : Platform.Parse("linux/arm64");
        var result = new LayerScanResult();

        // When
        await LayerScanner.ScanAsync(new MemoryStream(blob), mediaType, foreign, result, 5, [], TestContext.Current.CancellationToken);

        // Then: the executable and the library are read; the script and the data file are not offenders.
        Assert.Equal(2, result.ElfFiles);
        Assert.Equal(2, result.OffenderCount);
        Assert.Equal([new ElfOffender("/bin/app", Platform.Host.Architecture), new ElfOffender("/lib/libfoo.so.1", Platform.Host.Architecture)], result.Offenders);
        Assert.Equal(blob.Length, result.BytesRead);
    }

    [Fact]
    public async Task Should_Pass_Matching_Binaries_Keep_A_Few_Offenders_And_Skip_Ignored_Paths()
    {
        var tar = Layer(("./bin/a", Host, Exec), ("./bin/b", Host, Exec), ("./bin/c", Host, Exec), ("./usr/libexec/qemu/q", Host, Exec));
        var mine = new LayerScanResult();
        await LayerScanner.ScanAsync(new MemoryStream(Gzip(tar)), "application/vnd.oci.image.layer.v1.tar+gzip", Platform.Host, mine, 2, [], TestContext.Current.CancellationToken);
        Assert.Equal((4, 4, 0), (mine.ElfFiles, mine.Matching, mine.OffenderCount));

        var other = new LayerScanResult();
        await LayerScanner.ScanAsync(new MemoryStream(Gzip(tar)), "application/vnd.oci.image.layer.v1.tar+gzip", "linux/riscv64", other, 2, ["/usr/libexec/qemu"], TestContext.Current.CancellationToken);
        Assert.Equal(3, other.OffenderCount);
        Assert.Equal(["/bin/a", "/bin/b"], other.Offenders.Select(o => o.Path));
    }

    [Fact]
    public async Task Should_Refuse_An_Unknown_Layer_Media_Type()
    {
        var ex = await Assert.ThrowsAsync<CakeException>(() => LayerScanner.ScanAsync(new MemoryStream([1, 2, 3]), "application/vnd.example.layer+lz4", Platform.Host, new LayerScanResult(), 5, [], TestContext.Current.CancellationToken));
        Assert.Equal("VerifyManifest: layer media type 'application/vnd.example.layer+lz4' is not one the deep check reads; expected a tar layer, gzip- or zstd-compressed.", ex.Message);
    }
}
