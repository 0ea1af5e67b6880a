using Cake.Core;

namespace Cake.MultiArch.Registry;

/// <summary>What the registry served for a manifest, its digest verified.</summary>
/// <param name="MediaType">The Content-Type it was served with.</param>
/// <param name="Digest">The sha256 digest of the bytes.</param>
/// <param name="Bytes">The manifest bytes.</param>
internal sealed record ManifestResult(string MediaType, string Digest, byte[] Bytes)
{
    /// <summary>Gets whether this is an index or manifest list.</summary>
    public bool IsIndex => MediaTypes.IsIndex(MediaType);

    /// <summary>Reads the bytes as an index.</summary>
    /// <returns>The index; its entries are never <see langword="null"/> (an entry's digest may be empty: the caller reports it).</returns>
    /// <exception cref="CakeException">The bytes are not JSON, not an object, have a field of the wrong type, or no <c>manifests</c> list.</exception>
    public ImageIndex ToIndex() => OciJson.ReadIndex(Bytes, Describe());

    /// <summary>Reads the bytes as an image manifest.</summary>
    /// <returns>The manifest; its config and layers are never <see langword="null"/>.</returns>
    /// <exception cref="CakeException">The bytes are not JSON, not an object, have a field of the wrong type, or no <c>config</c>.</exception>
    public ImageManifest ToManifest() => OciJson.ReadManifest(Bytes, Describe());

    /// <inheritdoc />
    public override string ToString() => $"{MediaType} {Digest} ({Bytes.Length} bytes)";

    private string Describe() => $"the {(IsIndex ? "index" : "manifest")} {Digest}";
}
