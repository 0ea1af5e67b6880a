using System.Net;
using System.Net.Http.Headers;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>An HTTP handler that answers each request with the test's function and records what was sent.</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, Uri Uri, string? Authorization, string Accept)> _requests = [];

    public IReadOnlyList<(HttpMethod Method, Uri Uri, string? Authorization, string Accept)> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public static HttpResponseMessage Respond(HttpStatusCode status, byte[]? body = null, string? contentType = null, Action<HttpResponseMessage>? headers = null)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(body ?? []) };
        if (contentType is not null)
        {
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        headers?.Invoke(response);
        return response;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int count;
        lock (_requests)
        {
            _requests.Add((request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), string.Join(", ", request.Headers.Accept)));
            count = _requests.Count;
        }

        return Task.FromResult(answer(request, count));
    }
}
