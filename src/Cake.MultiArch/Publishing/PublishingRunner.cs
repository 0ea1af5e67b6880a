using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Publishing;

/// <summary>The small publishing steps: push an OCI layout by digest, read a pushed digest's platforms back, write a publish record.</summary>
public sealed class PublishingRunner
{
    private readonly Func<RegistryAccessSettings, IRegistryWriteClient> _clientFactory;
    private readonly DirectoryPath? _workingDirectory;

    /// <summary>Initializes a new instance of the <see cref="PublishingRunner"/> class.</summary>
    /// <param name="workingDirectory">The folder relative paths are taken from (default: the process's current directory).</param>
    /// <param name="clientFactory">Makes a registry client for the settings (default: the HTTP client).</param>
    public PublishingRunner(DirectoryPath? workingDirectory = null, Func<RegistryAccessSettings, IRegistryWriteClient>? clientFactory = null)
    {
        _workingDirectory = workingDirectory;
        _clientFactory = clientFactory ?? (settings => settings.CreateClient());
    }

    /// <summary>Pushes an OCI layout's image by digest (no tag) and reads its platforms back.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The pushed image.</returns>
    /// <exception cref="CakeException">Invalid settings, a broken layout, or a registry failure.</exception>
    public PushedImage PushOciLayout(PushOciLayoutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        if (settings.Layout is null)
        {
            problems.Add("PushOciLayout: Layout is not set; expected the folder buildx wrote with --output type=oci,dest=DIR,tar=false, found nothing. Set Layout.");
        }

        var repository = ParseRepository("PushOciLayout", settings.Repository, problems);
        settings.ValidateAccess("PushOciLayout", problems);
        Throw(problems);
        return WithClient(settings, async client =>
        {
            var image = await OciLayoutPusher.PushAsync(client, Absolute(settings.Layout!), repository!, CancellationToken.None).ConfigureAwait(false);
            return new PushedImage(image.ToString(), image.Digest!, await PushedPlatform.ReadAsync(client, image, "PushOciLayout", CancellationToken.None).ConfigureAwait(false));
        });
    }

    /// <summary>Reads a pushed digest's platforms back: each platform manifest's digest and its attestation manifest's digest.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The pushed image.</returns>
    /// <exception cref="CakeException">Invalid settings or a registry failure.</exception>
    public PushedImage ReadPushedImage(ReadPushedImageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        ImageReference? image = null;
        if (string.IsNullOrWhiteSpace(settings.Image) || ImageReference.TryParseCore(settings.Image, out image) is not null || image!.Digest is null)
        {
            problems.Add($"ReadPushedImage: Image '{settings.Image}' is not an image pinned by digest; expected 'registry/repository@sha256:…'. Pass the digest the build pushed.");
        }

        settings.ValidateAccess("ReadPushedImage", problems);
        Throw(problems);
        return WithClient(settings, async client =>
            new PushedImage(image!.ToString(), image.Digest!, await PushedPlatform.ReadAsync(client, image, "ReadPushedImage", CancellationToken.None).ConfigureAwait(false)));
    }

    /// <summary>Makes the image reference (<c>repository@digest</c>) of a build pushed by digest.</summary>
    /// <param name="build">The build's result.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="CakeException">The result has no digest or names no image.</exception>
    public static string PushedReference(BuildxBuildResult build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var name = build.ImageNames.FirstOrDefault();
        if (build.Digest is null || name is null || !ImageReference.TryParse(name, out var reference))
        {
            throw new CakeException($"ReadPushedImage: the build result '{build}' has no pushed image; expected a digest and an image name (push by digest with a name: BuildOutput.PushedImage(repository) with PushByDigest). Push the build.");
        }

        return reference.WithDigest(build.Digest).ToString();
    }

    /// <summary>Writes a publish record as <c>FOLDER/os-arch[-variant].json</c>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="folder">The folder (made if missing).</param>
    /// <returns>The file written.</returns>
    public FilePath WritePublishRecord(PublishRecord record, DirectoryPath folder)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(folder);
        var path = Absolute(folder);
        Directory.CreateDirectory(path);
        var file = System.IO.Path.Combine(path, PublishRecord.FileNameFor(record.Platform));
        File.WriteAllText(file, record.ToJson());
        return new FilePath(file);
    }

    /// <summary>Parses a repository setting (no tag, no digest).</summary>
    internal static ImageReference? ParseRepository(string alias, string? value, List<string> problems)
    {
        if (ImageReference.TryParseCore(value, out var repository) is { } error || repository!.Tag is not null || repository.Digest is not null)
        {
            problems.Add($"{alias}: Repository '{value}' is not a repository; expected 'registry.example.com/team/app' (no tag, no digest). Set the repository alone.");
            return null;
        }

        return repository;
    }

    private static void Throw(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new CakeException(string.Join(System.Environment.NewLine, problems));
        }
    }

    private string Absolute(DirectoryPath path) =>
        _workingDirectory is null ? System.IO.Path.GetFullPath(path.FullPath) : path.MakeAbsolute(_workingDirectory).FullPath;

    private T WithClient<T>(RegistryAccessSettings settings, Func<IRegistryWriteClient, Task<T>> action)
    {
        var client = _clientFactory(settings);
        try
        {
            return action(client).GetAwaiter().GetResult();
        }
        finally
        {
            (client as IDisposable)?.Dispose();
        }
    }
}
