using Cake.Core.IO;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The kind of a <c>--output</c> exporter.</summary>
public enum BuildOutputType
{
    /// <summary><c>type=image</c>: an image, pushed when <see cref="BuildOutput.Push"/> is set.</summary>
    Image,

    /// <summary><c>type=registry</c>: an image pushed to its registry (<c>type=image,push=true</c>).</summary>
    Registry,

    /// <summary><c>type=oci</c>: an OCI image layout tarball (or folder with <c>tar=false</c>) at <see cref="BuildOutput.Destination"/>.</summary>
    Oci,

    /// <summary><c>type=docker</c>: a docker image tarball, or loaded into the engine when there is no destination. Single platform only.</summary>
    Docker,

    /// <summary><c>type=tar</c>: the result's files as a tarball.</summary>
    Tar,

    /// <summary><c>type=local</c>: the result's files into a folder.</summary>
    Local,

    /// <summary><c>type=cacheonly</c>: only the build cache is kept.</summary>
    CacheOnly,
}

/// <summary>
/// One <c>--output</c> entry of <c>docker buildx build</c>
/// (https://docs.docker.com/reference/cli/docker/buildx/build/#output).
/// </summary>
public sealed class BuildOutput
{
    /// <summary>Initializes a new instance of the <see cref="BuildOutput"/> class.</summary>
    /// <param name="type">The exporter type.</param>
    public BuildOutput(BuildOutputType type) => Type = type;

    /// <summary>Gets the exporter type (<c>type=</c>).</summary>
    public BuildOutputType Type { get; }

    /// <summary>Gets the image names (<c>name=a,b</c>) for image and registry outputs.</summary>
    public IList<string> Names { get; } = new List<string>();

    /// <summary>Gets or sets whether an image output is pushed (<c>push=true|false</c>). Default: unset.</summary>
    public bool? Push { get; set; }

    /// <summary>Gets or sets whether the image is pushed by digest only, without a tag (<c>push-by-digest=true</c>): the per-platform step of a split multi-runner build.</summary>
    public bool? PushByDigest { get; set; }

    /// <summary>Gets or sets whether <c>name@digest</c> is also added as a name (<c>name-canonical=true</c>).</summary>
    public bool? NameCanonical { get; set; }

    /// <summary>Gets or sets whether OCI media types are used (<c>oci-mediatypes=true|false</c>).</summary>
    public bool? OciMediaTypes { get; set; }

    /// <summary>Gets or sets the layer compression (<c>compression=gzip|estargz|zstd|uncompressed</c>).</summary>
    public string? Compression { get; set; }

    /// <summary>Gets or sets the destination file or folder (<c>dest=</c>) for oci, docker, tar and local outputs.</summary>
    public Cake.Core.IO.Path? Destination { get; set; }

    /// <summary>Gets extra exporter attributes (<c>key=value</c>) not covered above, such as <c>unpack</c> or <c>annotation.key</c>.</summary>
    public IDictionary<string, string> Attributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets the <c>type=</c> value.</summary>
    public string TypeName => Type switch
    {
        BuildOutputType.CacheOnly => "cacheonly",
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>Creates an image output pushed to its registry (<c>type=image,name=…,push=true</c>).</summary>
    /// <param name="names">The image names.</param>
    /// <returns>The output.</returns>
    public static BuildOutput PushedImage(params string[] names)
    {
        var output = new BuildOutput(BuildOutputType.Image) { Push = true };
        foreach (var name in names)
        {
            output.Names.Add(name);
        }

        return output;
    }

    /// <summary>Creates an OCI archive output (<c>type=oci,dest=…</c>): the way to keep a multi-platform result locally.</summary>
    /// <param name="destination">The tarball to write.</param>
    /// <returns>The output.</returns>
    public static BuildOutput OciArchive(FilePath destination) => new(BuildOutputType.Oci) { Destination = destination };

    /// <summary>Creates a local folder output (<c>type=local,dest=…</c>).</summary>
    /// <param name="destination">The folder.</param>
    /// <returns>The output.</returns>
    public static BuildOutput LocalFolder(DirectoryPath destination) => new(BuildOutputType.Local) { Destination = destination };

    /// <summary>Renders the entry as buildx's CSV value.</summary>
    /// <returns>The value, such as <c>type=image,name=r/app:1,push=true</c>.</returns>
    public override string ToString()
    {
        var parts = new List<string> { "type=" + TypeName };
        if (Names.Count > 0)
        {
            parts.Add(Csv.Field("name=" + string.Join(',', Names)));
        }

        Csv.AddBool(parts, "push", Push);
        Csv.AddBool(parts, "push-by-digest", PushByDigest);
        Csv.AddBool(parts, "name-canonical", NameCanonical);
        Csv.AddBool(parts, "oci-mediatypes", OciMediaTypes);
        if (!string.IsNullOrEmpty(Compression))
        {
            parts.Add("compression=" + Compression);
        }

        if (Destination is not null)
        {
            parts.Add(Csv.Field("dest=" + Destination.FullPath));
        }

        parts.AddRange(Attributes.Select(a => Csv.Field($"{a.Key}={a.Value}")));
        return string.Join(',', parts);
    }
}

/// <summary>The kind of a build cache backend.</summary>
public enum CacheType
{
    /// <summary><c>type=registry</c>: cache in an image in a registry (<see cref="CacheEntry.Ref"/>).</summary>
    Registry,

    /// <summary><c>type=local</c>: cache in a folder (<see cref="CacheEntry.Source"/> for cache-from, <see cref="CacheEntry.Destination"/> for cache-to).</summary>
    Local,

    /// <summary><c>type=gha</c>: GitHub Actions cache service.</summary>
    Gha,

    /// <summary><c>type=inline</c>: cache metadata embedded in the pushed image (cache-to only).</summary>
    Inline,

    /// <summary><c>type=s3</c>: an S3 bucket.</summary>
    S3,

    /// <summary><c>type=azblob</c>: Azure Blob Storage.</summary>
    AzBlob,
}

/// <summary>Which layers a cache export keeps.</summary>
public enum CacheMode
{
    /// <summary><c>mode=min</c>: only the result's layers (buildx's default).</summary>
    Min,

    /// <summary><c>mode=max</c>: every intermediate layer, for the best hit rate.</summary>
    Max,
}

/// <summary>
/// One <c>--cache-from</c> or <c>--cache-to</c> entry
/// (https://docs.docker.com/build/cache/backends/).
/// </summary>
public sealed class CacheEntry
{
    /// <summary>Initializes a new instance of the <see cref="CacheEntry"/> class.</summary>
    /// <param name="type">The backend.</param>
    public CacheEntry(CacheType type) => Type = type;

    /// <summary>Gets the backend (<c>type=</c>).</summary>
    public CacheType Type { get; }

    /// <summary>Gets or sets the cache image for the registry backend (<c>ref=</c>).</summary>
    public string? Ref { get; set; }

    /// <summary>Gets or sets the export mode (<c>mode=min|max</c>, cache-to only).</summary>
    public CacheMode? Mode { get; set; }

    /// <summary>Gets or sets whether the cache is written as an image manifest rather than an index (<c>image-manifest=true</c>), for registries that reject cache indexes.</summary>
    public bool? ImageManifest { get; set; }

    /// <summary>Gets or sets whether OCI media types are used (<c>oci-mediatypes=true|false</c>).</summary>
    public bool? OciMediaTypes { get; set; }

    /// <summary>Gets or sets the folder to read the local cache from (<c>src=</c>).</summary>
    public DirectoryPath? Source { get; set; }

    /// <summary>Gets or sets the folder to write the local cache to (<c>dest=</c>).</summary>
    public DirectoryPath? Destination { get; set; }

    /// <summary>Gets or sets the cache scope (<c>scope=</c>, gha backend).</summary>
    public string? Scope { get; set; }

    /// <summary>Gets extra attributes (<c>key=value</c>), such as <c>compression=zstd</c> or <c>ignore-error=true</c>.</summary>
    public IDictionary<string, string> Attributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Creates a registry cache entry.</summary>
    /// <param name="reference">The cache image, such as <c>registry.example.com/app:buildcache</c>.</param>
    /// <param name="mode">The export mode, for cache-to.</param>
    /// <returns>The entry.</returns>
    public static CacheEntry Registry(string reference, CacheMode? mode = null) => new(CacheType.Registry) { Ref = reference, Mode = mode };

    /// <summary>Creates a GitHub Actions cache entry.</summary>
    /// <param name="mode">The export mode, for cache-to.</param>
    /// <returns>The entry.</returns>
    public static CacheEntry Gha(CacheMode? mode = null) => new(CacheType.Gha) { Mode = mode };

    /// <summary>Creates the inline cache entry (cache-to).</summary>
    /// <returns>The entry.</returns>
    public static CacheEntry Inline() => new(CacheType.Inline);

    /// <summary>Creates a local folder cache entry.</summary>
    /// <param name="source">The folder to read from (cache-from), or <see langword="null"/>.</param>
    /// <param name="destination">The folder to write to (cache-to), or <see langword="null"/>.</param>
    /// <param name="mode">The export mode, for cache-to.</param>
    /// <returns>The entry.</returns>
    public static CacheEntry Local(DirectoryPath? source = null, DirectoryPath? destination = null, CacheMode? mode = null) =>
        new(CacheType.Local) { Source = source, Destination = destination, Mode = mode };

    /// <summary>Renders the entry as buildx's CSV value.</summary>
    /// <returns>The value, such as <c>type=registry,ref=r/app:cache,mode=max</c>.</returns>
    public override string ToString()
    {
        var parts = new List<string> { "type=" + Type.ToString().ToLowerInvariant() };
        if (!string.IsNullOrEmpty(Ref))
        {
            parts.Add(Csv.Field("ref=" + Ref));
        }

        if (Mode is { } mode)
        {
            parts.Add("mode=" + mode.ToString().ToLowerInvariant());
        }

        Csv.AddBool(parts, "image-manifest", ImageManifest);
        Csv.AddBool(parts, "oci-mediatypes", OciMediaTypes);
        if (Source is not null)
        {
            parts.Add(Csv.Field("src=" + Source.FullPath));
        }

        if (Destination is not null)
        {
            parts.Add(Csv.Field("dest=" + Destination.FullPath));
        }

        if (!string.IsNullOrEmpty(Scope))
        {
            parts.Add(Csv.Field("scope=" + Scope));
        }

        parts.AddRange(Attributes.Select(a => Csv.Field($"{a.Key}={a.Value}")));
        return string.Join(',', parts);
    }
}

/// <summary>One <c>--ulimit</c> entry, such as <c>nofile=1024:2048</c>.</summary>
/// <param name="Name">The limit, such as <c>nofile</c>.</param>
/// <param name="Soft">The soft limit.</param>
/// <param name="Hard">The hard limit, or <see langword="null"/> to use the soft one.</param>
public sealed record Ulimit(string Name, long Soft, long? Hard = null)
{
    /// <summary>Renders the entry.</summary>
    /// <returns>The value, such as <c>nofile=1024:2048</c>.</returns>
    public override string ToString() => Hard is { } hard ? $"{Name}={Soft}:{hard}" : $"{Name}={Soft}";
}

/// <summary>The provenance attestation setting (<c>--provenance</c>).</summary>
public enum ProvenanceMode
{
    /// <summary><c>--provenance=false</c>: no provenance attestation (the pushed result is a plain manifest list, with no <c>unknown/unknown</c> entries).</summary>
    Disabled,

    /// <summary><c>--provenance=true</c>: buildx's default attestation.</summary>
    Enabled,

    /// <summary><c>--provenance=mode=min</c>.</summary>
    Min,

    /// <summary><c>--provenance=mode=max</c>: with build arguments and more detail.</summary>
    Max,
}

/// <summary>The progress output style (<c>--progress</c>).</summary>
public enum BuildProgress
{
    /// <summary><c>auto</c>.</summary>
    Auto,

    /// <summary><c>plain</c>: one line per step, the style for logs and CI.</summary>
    Plain,

    /// <summary><c>tty</c>.</summary>
    Tty,

    /// <summary><c>quiet</c>.</summary>
    Quiet,

    /// <summary><c>rawjson</c>.</summary>
    RawJson,
}

/// <summary>Rendering of buildx's CSV-valued flags.</summary>
internal static class Csv
{
    /// <summary>Quotes a CSV field when it holds a comma or a quote, as buildx's csv reader expects.</summary>
    /// <param name="field">The field, such as <c>name=a,b</c>.</param>
    /// <returns>The field, quoted when needed.</returns>
    public static string Field(string field) =>
        field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>Adds <c>key=true|false</c> when the value is set.</summary>
    /// <param name="parts">The fields.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public static void AddBool(List<string> parts, string key, bool? value)
    {
        if (value is { } v)
        {
            parts.Add(key + "=" + (v ? "true" : "false"));
        }
    }
}
