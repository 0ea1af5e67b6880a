using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Computes image metadata: validates the settings, reads the CI system and git, applies the rules.</summary>
public sealed class ImageMetadataRunner
{
    private readonly IFileSystem _fileSystem;
    private readonly ICakeEnvironment _environment;
    private readonly IProcessRunner _processRunner;
    private readonly IToolLocator _tools;
    private readonly ICakeLog _log;

    /// <summary>Initializes a new instance of the <see cref="ImageMetadataRunner"/> class.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="environment">The environment (the CI system's variables are read from it).</param>
    /// <param name="processRunner">The process runner (git).</param>
    /// <param name="tools">The tool locator.</param>
    /// <param name="log">The log.</param>
    public ImageMetadataRunner(IFileSystem fileSystem, ICakeEnvironment environment, IProcessRunner processRunner, IToolLocator tools, ICakeLog log)
    {
        _fileSystem = fileSystem ?? throw new ArgumentNullException(nameof(fileSystem));
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));
        _processRunner = processRunner ?? throw new ArgumentNullException(nameof(processRunner));
        _tools = tools ?? throw new ArgumentNullException(nameof(tools));
        _log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <summary>Computes the metadata.</summary>
    /// <param name="settings">The settings; never changed.</param>
    /// <returns>The tags, version, labels and annotations.</returns>
    /// <exception cref="CakeException">Invalid settings (before anything runs), git failing, or a rule making an invalid tag.</exception>
    public ImageMetadataResult Run(ImageMetadataSettings settings)
    {
        ImageMetadataPlan.Validate(settings);
        var git = new GitRunner(_fileSystem, _processRunner, _environment, _tools, settings.RepositoryPath ?? _environment.WorkingDirectory, settings.GitToolPath);
        var metadataContext = new MetadataContextReader(_fileSystem, _environment, git).Read(settings);
        var result = TagRuleEvaluator.Compute(settings, metadataContext, _log);
        _log.Information("ImageMetadata: {0} ref '{1}', sha '{2}': version '{3}', tags: {4}", metadataContext.Provider, metadataContext.Ref ?? "(none)", metadataContext.EffectiveSha ?? "(none)", result.Version, result.Tags.Count == 0 ? "(none)" : string.Join(", ", result.Tags));
        return result;
    }
}
