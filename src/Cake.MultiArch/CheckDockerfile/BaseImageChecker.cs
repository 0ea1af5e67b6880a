using System.Net;
using System.Text.Json;
using Cake.Core;
using Cake.MultiArch.Json;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>
/// Asks registries which platforms each distinct base image serves: one manifest request per
/// image (plus its config for a single-platform manifest), all images at once up to a limit.
/// </summary>
internal static class BaseImageChecker
{
    /// <summary>Checks every distinct image of the pulls once.</summary>
    /// <param name="client">The registry client.</param>
    /// <param name="needs">The pulls.</param>
    /// <param name="maxParallel">How many images are asked about at once.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>One status per distinct image, in the order the images first appear.</returns>
    public static async Task<IReadOnlyList<BaseImageStatus>> CheckAsync(IRegistryClient client, IReadOnlyList<BaseImageNeed> needs, int maxParallel, CancellationToken cancellationToken)
    {
        var groups = needs.GroupBy(n => n.Reference.ToString(), StringComparer.Ordinal).ToArray();
        using var gate = new SemaphoreSlim(Math.Max(1, maxParallel));
        var tasks = groups.Select(async group =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var needed = group.Select(n => n.Platform).Distinct().ToArray();
                var (served, state, error) = await AskAsync(client, group.First().Reference, cancellationToken).ConfigureAwait(false);
                if (state == BaseImageState.Ok && needed.Any(p => !served.Contains(p)))
                {
                    state = BaseImageState.PlatformMissing;
                }

                return new BaseImageStatus(group.First().Image, needed, served, state, error);
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<(IReadOnlyList<Platform> Served, BaseImageState State, string? Error)> AskAsync(IRegistryClient client, ImageReference reference, CancellationToken cancellationToken)
    {
        try
        {
            var top = await client.GetManifestAsync(reference, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
            if (top.IsIndex)
            {
                var served = new List<Platform>();
                foreach (var entry in top.ToIndex().Manifests.Where(d => !d.IsAttestation && d.Platform is not null))
                {
                    if (Platform.TryParse(entry.Platform!.ToString(), out var platform) && !served.Contains(platform))
                    {
                        served.Add(platform);
                    }
                }

                return (served, BaseImageState.Ok, null);
            }

            var config = JsonSerializer.Deserialize(await client.GetBlobAsync(reference, top.ToManifest().Config.Digest, cancellationToken).ConfigureAwait(false), MultiArchJsonContext.Default.ImageConfig);
            return Platform.TryParse($"{config?.Os}/{config?.Architecture}{(config?.Variant is { Length: > 0 } v ? "/" + v : string.Empty)}", out var single)
                ? ([single], BaseImageState.Ok, null)
                : ([], BaseImageState.Unknown, $"its config names platform '{config?.Os}/{config?.Architecture}', which is not one this check knows");
        }
        catch (CakeException ex) when (ex.Data["StatusCode"] is HttpStatusCode.NotFound)
        {
            return ([], BaseImageState.NotFound, ex.Message);
        }
        catch (Exception ex) when (ex is CakeException or HttpRequestException or TimeoutException or JsonException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ([], BaseImageState.Unknown, ex.Message);
        }
    }
}
