using System.Buffers;

namespace Cake.MultiArch.VerifyManifest.Elf;

/// <summary>
/// Random-looking reads over a forward-only stream (a tar entry's data), within fixed limits:
/// a prefix of the file is kept (up to <see cref="PrefixLimit"/>) so that what was passed can be
/// read again; anything later is reached by skipping forward; a window at the end of the file
/// (up to <c>tailLimit</c>) is kept for the section headers. One instance serves every file of a
/// layer in turn, so memory is the same for a 1 KiB file and a 1 GiB one. Its buffers are rented
/// from <see cref="ArrayPool{T}.Shared"/> as a file needs them (the prefix grows with what is
/// read, not to its limit at once) and given back by <see cref="Release"/>, so reading the images
/// of a whole run allocates no buffer per file or per image.
/// </summary>
internal sealed class ForwardReader
{
    private const int SkipBuffer = 81920;
    private const int FirstPrefix = 4096;
    private readonly int _tailLimit;
    private byte[]? _tail;
    private Stream _stream = Stream.Null;
    private long _length;
    private long _position;
    private bool _frozen;
    private long _tailStart = -1;
    private int _tailFilled;

    /// <summary>Initializes a new instance of the <see cref="ForwardReader"/> class.</summary>
    /// <param name="prefixLimit">How many leading bytes of a file are kept.</param>
    /// <param name="tailLimit">How many trailing bytes of a file can be kept.</param>
    /// <param name="itemLimit">The most one read returns (a dynamic section, a string table).</param>
    public ForwardReader(int prefixLimit = 1 << 20, int tailLimit = 64 << 10, int itemLimit = 256 << 10)
    {
        PrefixLimit = prefixLimit;
        _tailLimit = tailLimit;
        ItemLimit = itemLimit;
    }

    /// <summary>Gets the kept prefix of the current file (the first <see cref="Filled"/> bytes are valid; the array may be longer).</summary>
    public byte[] Prefix { get; private set; } = [];

    /// <summary>Gets how many bytes of <see cref="Prefix"/> are valid.</summary>
    public int Filled { get; private set; }

    /// <summary>Gets how many leading bytes of a file can be kept.</summary>
    public int PrefixLimit { get; }

    /// <summary>Gets the most one read returns.</summary>
    public int ItemLimit { get; }

    /// <summary>Starts on a new file.</summary>
    /// <param name="stream">The file's data, at its start.</param>
    /// <param name="length">The file's length.</param>
    public void Reset(Stream stream, long length)
    {
        _stream = stream;
        _length = length;
        _position = 0;
        _frozen = false;
        Filled = 0;
        _tailStart = -1;
        _tailFilled = 0;
    }

    /// <summary>Gives the buffers back to the pool once a file is read (what <see cref="Prefix"/> held is gone).</summary>
    public void Release()
    {
        if (Prefix.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Prefix);
            Prefix = [];
        }

        if (_tail is not null)
        {
            ArrayPool<byte>.Shared.Return(_tail);
            _tail = null;
        }

        _stream = Stream.Null;
        Filled = 0;
    }

    /// <summary>Reads the file's first bytes into the prefix, up to <paramref name="end"/> (within the limit and the file).</summary>
    /// <param name="end">The number of leading bytes wanted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> when the prefix holds at least <paramref name="end"/> bytes.</returns>
    public async ValueTask<bool> FillPrefixAsync(long end, CancellationToken cancellationToken)
    {
        var target = (int)Math.Min(Math.Min(end, PrefixLimit), _length);
        if (!_frozen && Filled < target && Prefix.Length < target)
        {
            Grow(target);
        }

        while (!_frozen && Filled < target)
        {
            var read = await _stream.ReadAsync(Prefix.AsMemory(Filled, target - Filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _length = Filled;
                break;
            }

            Filled += read;
            _position += read;
        }

        return Filled >= end;
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> if they can still be reached.</summary>
    /// <param name="offset">The file offset.</param>
    /// <param name="count">How many bytes (cut at the end of the file).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="fromTail">Keep the end of the file from here on, for later reads near it.</param>
    /// <returns>The bytes, or <see langword="null"/> when they were passed already and not kept, or lie past the end. Bytes from the kept prefix or tail are a view of the reader's buffer, valid until the next read or <see cref="Release"/>.</returns>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAtAsync(long offset, int count, CancellationToken cancellationToken, bool fromTail = false)
    {
        if (offset < 0 || offset >= _length)
        {
            return null;
        }

        count = (int)Math.Min(count, _length - offset);
        var end = offset + count;
        if (!_frozen && end <= PrefixLimit)
        {
            return await FillPrefixAsync(end, cancellationToken).ConfigureAwait(false) ? Prefix.AsMemory((int)offset, count) : null;
        }

        if (end <= Filled)
        {
            return Prefix.AsMemory((int)offset, count);
        }

        if (_tailStart < 0 && fromTail && offset >= _position)
        {
            _tailStart = Math.Max(_position, Math.Min(offset, _length - _tailLimit));
            await SkipToAsync(_tailStart, cancellationToken).ConfigureAwait(false);
            _tail ??= ArrayPool<byte>.Shared.Rent(_tailLimit);
            while (_tailFilled < _length - _tailStart)
            {
                var read = await _stream.ReadAsync(_tail.AsMemory(_tailFilled, (int)(_length - _tailStart) - _tailFilled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _tailFilled += read;
                _position += read;
            }
        }

        if (_tailStart >= 0 && offset >= _tailStart && end <= _tailStart + _tailFilled)
        {
            return _tail.AsMemory((int)(offset - _tailStart), count);
        }

        if (offset < _position)
        {
            return null;
        }

        await SkipToAsync(offset, cancellationToken).ConfigureAwait(false);
        var bytes = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await _stream.ReadAsync(bytes.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            filled += read;
            _position += read;
        }

        return bytes;
    }

    // A bigger prefix buffer from the pool, at least doubling (so a file's prefix is copied a few times at most), the kept bytes carried over.
    private void Grow(int target)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(target, Math.Max(FirstPrefix, Prefix.Length * 2)), PrefixLimit));
        Prefix.AsSpan(0, Filled).CopyTo(bigger);
        if (Prefix.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Prefix);
        }

        Prefix = bigger;
    }

    private async ValueTask SkipToAsync(long offset, CancellationToken cancellationToken)
    {
        _frozen = true;
        if (_position >= offset)
        {
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(SkipBuffer);
        try
        {
            while (_position < offset)
            {
                var read = await _stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(SkipBuffer, offset - _position)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    _length = _position;
                    return;
                }

                _position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
