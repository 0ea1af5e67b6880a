using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using Cake.Core;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;
using Cake.MultiArch.VerifyManifest.Elf;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>What one or more layers hold, as far as binaries go.</summary>
internal sealed class LayerScanResult
{
    /// <summary>Gets or sets how many ELF files were read.</summary>
    public int ElfFiles { get; set; }

    /// <summary>Gets or sets how many of them match the platform.</summary>
    public int Matching { get; set; }

    /// <summary>Gets the ELF files built for another architecture (first few kept; <see cref="OffenderCount"/> counts all).</summary>
    public List<ElfOffender> Offenders { get; } = [];

    /// <summary>Gets or sets how many ELF files are for another architecture.</summary>
    public int OffenderCount { get; set; }

    /// <summary>Gets or sets how many compressed bytes were read.</summary>
    public long BytesRead { get; set; }
}

/// <summary>
/// Streams a layer (gzip, zstd or plain tar) and reads the ELF header of each executable file
/// (any execute bit, or a shared library name such as <c>libc.so.6</c>): 20 bytes each, nothing
/// held in memory but the current tar block, whatever the layer's size.
/// </summary>
internal static class LayerScanner
{
    /// <summary>Scans one layer into a result.</summary>
    /// <param name="blob">The layer's bytes as served (its stream is read to the end, so a digest-checking stream can verify).</param>
    /// <param name="mediaType">The layer's media type (it says the compression).</param>
    /// <param name="platform">The platform the binaries must be for.</param>
    /// <param name="result">Where to add what was found.</param>
    /// <param name="keepOffenders">How many offending paths to keep.</param>
    /// <param name="ignoredPaths">Path prefixes not to check (such as <c>/usr/share/qemu</c>).</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>A task.</returns>
    public static async Task ScanAsync(Stream blob, string? mediaType, Platform platform, LayerScanResult result, int keepOffenders, IReadOnlyCollection<string> ignoredPaths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(result);
        var counting = new CountingStream(blob);
        var decompressed = Decompress(counting, mediaType);
        await using (decompressed.ConfigureAwait(false))
        {
            var reader = new TarReader(decompressed, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                var header = new byte[ElfHeader.Length];
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile) || entry.Length < ElfHeader.Length || entry.DataStream is null)
                    {
                        continue;
                    }

                    var path = "/" + entry.Name.TrimStart('.').TrimStart('/');
                    var executable = (entry.Mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
                    var name = System.IO.Path.GetFileName(path);
                    if (!(executable || name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal)) || ignoredPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    await entry.DataStream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
                    if (!ElfHeader.TryRead(header, out var elf))
                    {
                        continue; // scripts and data
                    }

                    result.ElfFiles++;
                    if (elf.Matches(platform))
                    {
                        result.Matching++;
                        continue;
                    }

                    result.OffenderCount++;
                    if (result.Offenders.Count < keepOffenders)
                    {
                        result.Offenders.Add(new ElfOffender(path, elf.Describe()));
                    }
                }
            }

            // Read to the end, so the digest of the whole blob is checked.
            await DrainAsync(decompressed, cancellationToken).ConfigureAwait(false);
        }

        await DrainAsync(counting, cancellationToken).ConfigureAwait(false);
        result.BytesRead += counting.Count;
    }

    /// <summary>Reads a stream to its end (so that a digest-checking stream under it verifies).</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task.</returns>
    internal static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var sink = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (await stream.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sink);
        }
    }

    /// <summary>Opens the tar stream of a layer blob from its media type.</summary>
    /// <param name="blob">The blob.</param>
    /// <param name="mediaType">Its media type.</param>
    /// <returns>The decompressing stream (it leaves <paramref name="blob"/> open).</returns>
    internal static Stream Decompress(Stream blob, string? mediaType)
    {
        var type = mediaType ?? string.Empty;
        if (type.Contains("gzip", StringComparison.Ordinal))
        {
            return new GZipStream(blob, CompressionMode.Decompress, leaveOpen: true);
        }

        if (type.Contains("zstd", StringComparison.Ordinal))
        {
            return new ZstdSharp.DecompressionStream(blob, leaveOpen: true);
        }

        if (type.EndsWith(".tar", StringComparison.Ordinal) || type.EndsWith("+tar", StringComparison.Ordinal) || type.EndsWith(".v1.tar", StringComparison.Ordinal) || type.EndsWith("rootfs.diff.tar", StringComparison.Ordinal))
        {
            return new NonClosingStream(blob);
        }

        throw new CakeException($"VerifyManifest: layer media type '{mediaType}' is not one the deep check reads; expected a tar layer, gzip- or zstd-compressed.");
    }

    /// <summary>Counts the bytes read through it.</summary>
    /// <param name="inner">The stream read from.</param>
    internal sealed class CountingStream(Stream inner) : ReadOnlyStream(inner)
    {
        /// <summary>Gets how many bytes were read.</summary>
        public long Count { get; private set; }

        protected override void OnRead(ReadOnlySpan<byte> data) => Count += data.Length;
    }

    /// <summary>Plain tar layers: the tar reader must not close the blob stream, which is read to its end afterwards.</summary>
    private sealed class NonClosingStream(Stream inner) : ReadOnlyStream(inner)
    {
    }
}
