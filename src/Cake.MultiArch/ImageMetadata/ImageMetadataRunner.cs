using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.MultiArch.ImageMetadata;

/// <summary>Computes image metadata: validates the settings, reads the CI system and git, applies the rules.</summary>
public sealed class ImageMetadataRunner
{
    private readonly ICakeContext _context;

    /// <summary>Initializes a new instance of the <see cref="ImageMetadataRunner"/> class.</summary>
    /// <param name="context">The Cake context (environment, process runner, tool locator, log, build system).</param>
    public ImageMetadataRunner(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>Computes the metadata.</summary>
    /// <param name="settings">The settings; never changed.</param>
    /// <returns>The tags, version, labels and annotations.</returns>
    /// <exception cref="CakeException">Invalid settings (before anything runs), git failing, or a rule making an invalid tag.</exception>
    public ImageMetadataResult Run(ImageMetadataSettings settings)
    {
        ImageMetadataValidator.Validate(settings);
        var git = new GitRunner(_context.ProcessRunner, _context.Environment, _context.Tools, settings.RepositoryPath ?? _context.Environment.WorkingDirectory, settings.GitToolPath);
        var metadataContext = new MetadataContextReader(_context, git).Read(settings);
        var result = TagRuleEvaluator.Compute(settings, metadataContext, _context.Log);
        _context.Log.Information("ImageMetadata: {0} ref '{1}', sha '{2}': version '{3}', tags: {4}", metadataContext.Provider, metadataContext.Ref ?? "(none)", metadataContext.EffectiveSha ?? "(none)", result.Version, result.Tags.Count == 0 ? "(none)" : string.Join(", ", result.Tags));
        return result;
    }
}
