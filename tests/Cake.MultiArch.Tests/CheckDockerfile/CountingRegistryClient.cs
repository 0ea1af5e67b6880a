using System.Collections.Concurrent;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Tests.CheckDockerfile;

/// <summary>
/// A decorator over a real registry client that records each request and how many ran at once.
/// With <paramref name="holdManifests"/> set, manifest requests wait (at most 30 s) until that many
/// have started: a client that asks one image after another then shows at most one in flight.
/// </summary>
internal sealed class CountingRegistryClient(IRegistryClient inner, int holdManifests = 0) : IRegistryClient, IDisposable
{
    private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _manifestsStarted;

    private readonly ConcurrentQueue<string> _requests = new();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Gets the requests, as <c>GET manifest repo:ref</c> or <c>GET blob repo</c>.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Gets the most requests that were running at the same time.</summary>
    public int MaxInFlight => _maxInFlight;

    public Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default) =>
        Track($"GET manifest {repository.Registry}/{repository.Repository}:{reference}", async () =>
        {
            if (holdManifests > 0)
            {
                if (Interlocked.Increment(ref _manifestsStarted) >= holdManifests)
                {
                    _allStarted.TrySetResult();
                }

                await Task.WhenAny(_allStarted.Task, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken)).ConfigureAwait(false);
            }

            return await inner.GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        });

    public Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default) =>
        Track($"HEAD manifest {repository.Registry}/{repository.Repository}:{reference}", () => inner.HeadManifestAsync(repository, reference, cancellationToken));

    public Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default) =>
        Track($"GET blob {repository.Registry}/{repository.Repository}", () => inner.GetBlobAsync(repository, digest, cancellationToken));

    public Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default) =>
        Track($"OPEN blob {repository.Registry}/{repository.Repository}", () => inner.OpenBlobAsync(repository, digest, cancellationToken));

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task<T> Track<T>(string request, Func<Task<T>> send)
    {
        _requests.Enqueue(request);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            return await send().ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
