using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>The seam between verification policy and HTTP: what VerifyManifest asks of a registry.</summary>
internal interface IRegistryClient
{
    /// <summary>Gets a manifest or index by tag or digest, with an explicit Accept list, and verifies its digest.</summary>
    /// <param name="repository">The repository (registry and path; its tag or digest is not used).</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="CakeException">The registry failed, timed out, or served something else than asked for (the message names the request).</exception>
    Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>Asks whether a manifest exists (HEAD), with the same Accept list, without its body.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="reference">The tag or digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Its descriptor (media type, digest from Docker-Content-Digest, size), or <see langword="null"/> when the registry has no such manifest.</returns>
    /// <exception cref="CakeException">The registry failed or timed out.</exception>
    Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default);

    /// <summary>Gets a small blob (a config) whole, and verifies its digest.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="CakeException">The registry failed, timed out, or served other bytes.</exception>
    Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob (a layer) as a stream; reading it to the end verifies the digest (a mismatch throws).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="digest">The blob's digest.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stream; dispose it. Its reads throw <see cref="CakeException"/> on a stall, a timeout, a cut connection or a digest mismatch.</returns>
    /// <exception cref="CakeException">The registry failed or timed out.</exception>
    Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default);
}
