using System.Globalization;
using System.Text;

namespace Cake.MultiArch.Registry;

/// <summary>
/// One HTTP/1.1 connection to a server held in memory (a <see cref="MemoryRegistry"/>), as the
/// stream a <see cref="SocketsHttpHandler.ConnectCallback"/> returns: the handler's own HTTP/1.1
/// path (writing the request, parsing the answer's status line and headers, reading its body by
/// Content-Length, keeping the connection alive in its pool) runs as it does over a socket, and no
/// socket is opened. Requests carry no body (the rehearsals only read); each answer is written
/// back whole, with a Content-Length, as soon as the request's head has arrived.
/// </summary>
internal sealed class MemoryConnection : Stream
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();
    private readonly HttpMessageInvoker _server;
    private readonly string _scheme;
    private readonly MemoryStream _request = new();
    private readonly SemaphoreSlim _answered = new(0);
    private readonly Lock _gate = new();
    private byte[] _answer = [];
    private int _position;
    private bool _closed;

    /// <summary>Initializes a new instance of the <see cref="MemoryConnection"/> class.</summary>
    /// <param name="server">What answers the requests.</param>
    /// <param name="scheme">The scheme the requests' URIs are given (the handler speaks plain HTTP/1.1 over this stream: <c>http</c>).</param>
    public MemoryConnection(HttpMessageHandler server, string scheme = "http")
    {
        _server = new HttpMessageInvoker(server, disposeHandler: false);
        _scheme = scheme;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Makes a connect callback that opens a new <see cref="MemoryConnection"/> to the server for each connection the handler asks for.</summary>
    /// <param name="server">What answers the requests.</param>
    /// <returns>The callback.</returns>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(HttpMessageHandler server) =>
        (_, _) => ValueTask.FromResult<Stream>(new MemoryConnection(server));

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_position < _answer.Length)
                {
                    var count = Math.Min(buffer.Length, _answer.Length - _position);
                    _answer.AsMemory(_position, count).CopyTo(buffer);
                    _position += count;
                    return count;
                }

                if (_closed)
                {
                    return 0;
                }
            }

            await _answered.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _request.Write(buffer.Span);
        while (HeadLength() is { } length)
        {
            var head = Encoding.ASCII.GetString(_request.GetBuffer(), 0, length);
            var rest = _request.GetBuffer().AsSpan(length, (int)_request.Length - length).ToArray();
            _request.SetLength(0);
            _request.Write(rest);
            var answer = await AnswerAsync(head, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _answer = [.. _answer.AsSpan(_position), .. answer];
                _position = 0;
            }

            _ = _answered.Release();
        }
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _closed = true;
            }

            _ = _answered.Release(); // a read waiting for an answer ends (0 bytes: the connection is closed)
            _server.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Renders an answer as HTTP/1.1 sends it: status line, headers, Content-Length, then the body (none for HEAD).</summary>
    private static async Task<byte[]> RenderAsync(HttpResponseMessage response, bool head, CancellationToken cancellationToken)
    {
        var body = response.Content is null ? [] : await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var length = head ? response.Content?.Headers.ContentLength ?? 0 : body.Length;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n");
        var headers = response.Content is null ? response.Headers : response.Headers.Concat(response.Content.Headers);
        foreach (var (name, values) in headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            _ = text.Append(CultureInfo.InvariantCulture, $"{name}: {string.Join(", ", values)}\r\n");
        }

        _ = text.Append(CultureInfo.InvariantCulture, $"Content-Length: {length}\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(text.ToString());
        return head ? bytes : [.. bytes, .. body];
    }

    /// <summary>The length of the request head in the buffer, through its blank line, if it has all arrived.</summary>
    private int? HeadLength()
    {
        var at = _request.GetBuffer().AsSpan(0, (int)_request.Length).IndexOf(EndOfHead);
        return at < 0 ? null : at + EndOfHead.Length;
    }

    /// <summary>Turns a request head into a request, asks the server, and renders its answer.</summary>
    private async Task<byte[]> AnswerAsync(string head, CancellationToken cancellationToken)
    {
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).Select(p => (Name: p[0].Trim(), Value: p[1].Trim())).ToArray();
        var host = headers.FirstOrDefault(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value ?? "localhost";
        using var request = new HttpRequestMessage(new HttpMethod(requestLine[0]), new Uri($"{_scheme}://{host}{requestLine[1]}"));
        foreach (var (name, value) in headers.Where(h => !h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            _ = request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _server.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await RenderAsync(response, request.Method == HttpMethod.Head, cancellationToken).ConfigureAwait(false);
    }
}
