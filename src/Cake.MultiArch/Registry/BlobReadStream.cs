using System.Buffers;
using System.Security.Cryptography;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// A layer's body as a read-only stream: each read is bounded by an idle limit, the whole body by
/// a total limit, a cut connection or a stall becomes a <see cref="CakeException"/> naming the
/// address, and reaching the end verifies the digest.
/// </summary>
internal sealed class BlobReadStream : ReadOnlyStream
{
    private readonly HttpResponseMessage _owner;
    private readonly string _digest;
    private readonly Uri _uri;
    private readonly TimeSpan _idle;
    private readonly TimeSpan _total;
    private readonly CancellationTokenSource _deadline;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _count;
    private bool _verified;

    /// <summary>Initializes a new instance of the <see cref="BlobReadStream"/> class.</summary>
    /// <param name="inner">The response's body.</param>
    /// <param name="owner">The response (disposed with the stream).</param>
    /// <param name="digest">The digest the body must have.</param>
    /// <param name="uri">The address, for messages.</param>
    /// <param name="idle">The longest wait for the next bytes.</param>
    /// <param name="total">The longest the whole body may take.</param>
    public BlobReadStream(Stream inner, HttpResponseMessage owner, string digest, Uri uri, TimeSpan idle, TimeSpan total)
        : base(inner)
    {
        _owner = owner;
        _digest = digest;
        _uri = uri;
        _idle = idle;
        _total = total;
        _deadline = new CancellationTokenSource(total);
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
        guard.CancelAfter(_idle);
        int read;
        try
        {
            read = await Inner.ReadAsync(buffer, guard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw _deadline.IsCancellationRequested
                ? new CakeException($"GET {_uri} did not finish within {RegistryTransport.Seconds(_total)} (LayerTimeout); {_count} bytes had arrived. Check the registry's bandwidth, or raise LayerTimeout.", ex)
                : new CakeException($"GET {_uri} stalled: no bytes for {RegistryTransport.Seconds(_idle)} (ReadIdleTimeout) after {_count} bytes. Check that the registry is up, or raise ReadIdleTimeout.", ex);
        }
        catch (IOException ex)
        {
            throw new CakeException($"GET {_uri} was cut after {_count} bytes: {ex.Message}. Check the registry and the network, then run again.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CakeException($"GET {_uri} was cut after {_count} bytes: {ex.Message}. Check the registry and the network, then run again.", ex);
        }

        _count += read;
        OnRead(buffer.Span[..read]);
        return read;
    }

    /// <inheritdoc />
    protected override void OnRead(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0)
        {
            _hash.AppendData(data);
            return;
        }

        if (!_verified)
        {
            _verified = true;
            var actual = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (actual != _digest)
            {
                throw RegistryClient.DigestMismatch(_uri, actual, _digest);
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
            _owner.Dispose();
            _hash.Dispose();
            _deadline.Dispose();
        }

        base.Dispose(disposing);
    }
}
