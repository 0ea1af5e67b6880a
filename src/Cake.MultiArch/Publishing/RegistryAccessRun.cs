using Cake.Core;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>What every publishing runner does around its requests: refuse bad input before any client exists, then make one client for the run and dispose it.</summary>
internal static class RegistryAccessRun
{
    /// <summary>Throws every problem, one per line, when there is any.</summary>
    /// <param name="problems">The problems.</param>
    /// <exception cref="CakeException">There is a problem.</exception>
    public static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, problems));
        }
    }

    /// <summary>Makes a client for the access settings, runs the work and disposes the client.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="factory">Makes the client.</param>
    /// <param name="access">The access settings.</param>
    /// <param name="work">The work.</param>
    /// <returns>What the work returned.</returns>
    public static async Task<T> WithClientAsync<T>(Func<RegistryAccess, IRegistryWriteClient> factory, RegistryAccess access, Func<IRegistryWriteClient, Task<T>> work)
    {
        var client = factory(access);
        try
        {
            return await work(client).ConfigureAwait(false);
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }
}
