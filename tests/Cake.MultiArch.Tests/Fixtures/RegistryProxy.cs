using System.Net;
using System.Net.Sockets;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// A small in-process HTTP proxy in front of a real registry: it records every request (method,
/// path and query) and, when told to, refuses cross-repository mounts the way some registries do:
/// the mount POST is forwarded as a plain upload start, so the registry answers 202 with an
/// upload location instead of 201.
/// </summary>
internal sealed class RegistryProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly List<string> _requests = [];
    private readonly string _upstream;

    public RegistryProxy(string upstream, bool refuseMount)
    {
        _upstream = upstream;
        RefuseMount = refuseMount;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://{Address}/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Address { get; }

    public bool RefuseMount { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _http.Dispose();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        var pathAndQuery = incoming.RawUrl!;
        lock (_requests)
        {
            _requests.Add($"{incoming.HttpMethod} {pathAndQuery}");
        }

        if (RefuseMount && incoming.HttpMethod == "POST" && pathAndQuery.Contains("mount=", StringComparison.Ordinal))
        {
            pathAndQuery = pathAndQuery[..pathAndQuery.IndexOf('?', StringComparison.Ordinal)];
        }

        using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), $"http://{_upstream}{pathAndQuery}");
        request.Headers.Host = Address; // the registry builds its Location headers from the Host it sees
        if (incoming.HttpMethod is "PUT" or "POST" or "PATCH")
        {
            var body = new MemoryStream();
            await incoming.InputStream.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
            if (incoming.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var name in new[] { "Authorization", "Accept" })
        {
            if (incoming.Headers[name] is { } value)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var outgoing = context.Response;
        try
        {
            using var response = await _http.SendAsync(request);
            outgoing.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Date")
                {
                    continue;
                }

                outgoing.Headers[header.Key] = string.Join(", ", header.Value);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (incoming.HttpMethod != "HEAD")
            {
                outgoing.ContentLength64 = bytes.Length;
                await outgoing.OutputStream.WriteAsync(bytes);
            }
        }
        catch (HttpRequestException)
        {
            outgoing.StatusCode = 502;
        }
        finally
        {
            outgoing.Close();
        }
    }
}
