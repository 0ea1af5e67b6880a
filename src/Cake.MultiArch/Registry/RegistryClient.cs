using System.Security.Cryptography;
using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>
/// A small OCI distribution client over HttpClient: manifests and blobs with explicit Accept
/// lists and digest checks, anonymous/basic/bearer-token auth, plain HTTP only for loopback or
/// listed registries, bounded retries honouring Retry-After, redirects that never carry the
/// Authorization header to another host, and time limits on every request and every layer read.
/// </summary>
/// <remarks>
/// Split by concern as dotnet/sdk splits its registry code: <see cref="RegistryTransport"/> (the
/// one way every request goes), <see cref="RegistryAuthenticator"/> (challenges and token
/// exchanges), <see cref="ManifestOperations"/> and <see cref="BlobOperations"/>; this type is the
/// seam the aliases are given (<see cref="IRegistryWriteClient"/>). Made by <see cref="RegistryAccess.CreateClient"/>.
/// </remarks>
internal sealed class RegistryClient : IRegistryWriteClient, IDisposable
{
    private readonly RegistryTransport _transport;
    private readonly ManifestOperations _manifests;
    private readonly BlobOperations _blobs;

    /// <summary>Initializes a new instance of the <see cref="RegistryClient"/> class.</summary>
    /// <param name="options">The options.</param>
    /// <param name="handler">The HTTP handler (tests pass their own); redirects must not be followed by it. Default: one connection pool shared by every client of the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is zero or negative.</exception>
    public RegistryClient(RegistryClientOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _transport = new RegistryTransport(options, handler);
        _manifests = new ManifestOperations(_transport);
        _blobs = new BlobOperations(_transport);
    }

    /// <summary>Gets a value indicating whether the client has made its HTTP client and authenticator: only its first request does.</summary>
    internal bool IsConnected => _transport.IsConnected;

    /// <summary>Gets or sets how the client waits between tries (a seam for tests).</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay
    {
        get => _transport.Delay;
        set => _transport.Delay = value;
    }

    /// <inheritdoc />
    public Task<ManifestResult> GetManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _manifests.GetAsync(repository, reference, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Descriptor?> HeadManifestAsync(ImageReference repository, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _manifests.HeadAsync(repository, reference, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string> PutManifestAsync(ImageReference repository, string reference, string mediaType, byte[] bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(bytes);
        return _manifests.PutAsync(repository, reference, mediaType, bytes, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Descriptor>?> GetReferrersAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _manifests.ReferrersAsync(repository, digest, cancellationToken);
    }

    /// <inheritdoc />
    public Task<byte[]> GetBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _blobs.GetAsync(repository, digest, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Stream> OpenBlobAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _blobs.OpenAsync(repository, digest, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> BlobExistsAsync(ImageReference repository, string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return _blobs.ExistsAsync(repository, digest, [], cancellationToken);
    }

    /// <inheritdoc />
    public Task<BlobTransfer> CopyBlobAsync(ImageReference source, ImageReference target, string digest, bool mount = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        return _blobs.CopyAsync(source, target, digest, mount, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BlobTransfer> UploadBlobAsync(ImageReference repository, string digest, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(open);
        return _blobs.UploadAsync(repository, digest, open, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();

    /// <summary>Gets whether a text is a digest (<c>algorithm:encoded</c>, as the OCI descriptor spec defines it).</summary>
    /// <param name="value">The text.</param>
    /// <returns><see langword="true"/> for a digest.</returns>
    internal static bool IsDigest(string? value) => value is not null && RegistryPatterns.Digest().IsMatch(value);

    /// <summary>Computes <c>sha256:HEX</c> of bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The digest.</returns>
    internal static string Sha256(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The error for content whose digest is not the one asked for.</summary>
    /// <param name="uri">The address.</param>
    /// <param name="actual">The digest of what arrived.</param>
    /// <param name="expected">The digest asked for.</param>
    /// <returns>The exception.</returns>
    internal static CakeException DigestMismatch(Uri uri, string actual, string expected) =>
        new($"GET {uri} returned content whose digest is {actual}; expected {expected}.");

    /// <summary>Gets whether a registry is reached over plain HTTP: loopback hosts and listed ones.</summary>
    /// <param name="registry">The registry host with its port.</param>
    /// <returns><see langword="true"/> for plain HTTP.</returns>
    internal bool IsPlainHttp(string registry) => _transport.IsPlainHttp(registry);
}
