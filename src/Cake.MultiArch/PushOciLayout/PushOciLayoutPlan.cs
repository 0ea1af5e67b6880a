using Cake.Core.IO;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.PushOciLayout;

/// <summary>PushOciLayout's checks, before any request: the layout folder, the repository (no tag, no digest), the registry access.</summary>
/// <param name="Layout">The layout folder.</param>
/// <param name="Repository">The repository pushed to.</param>
internal sealed record PushOciLayoutPlan(DirectoryPath Layout, ImageReference Repository)
{
    private const string Alias = "PushOciLayout";

    /// <summary>Checks the settings, listing every problem at once.</summary>
    /// <param name="settings">The settings (not changed).</param>
    /// <returns>The plan.</returns>
    /// <exception cref="Cake.Core.CakeException">Every problem, one per line.</exception>
    public static PushOciLayoutPlan Create(PushOciLayoutSettings settings)
    {
        var problems = new List<string>();
        if (settings.Layout is null)
        {
            problems.Add($"{Alias}: Layout is not set; expected the folder buildx wrote with --output type=oci,dest=DIR,tar=false, found nothing. Set Layout.");
        }

        ImageReference? repository = null;
        if (ImageReference.TryParseCore(settings.Repository, out repository) is not null || repository!.Tag is not null || repository.Digest is not null)
        {
            problems.Add($"{Alias}: Repository '{settings.Repository}' is not a repository; expected 'registry.example.com/team/app' (no tag, no digest). Set the repository alone.");
        }

        settings.Registry.Validate(Alias, problems);
        RegistryAccessRun.ThrowIfAny(problems);
        return new PushOciLayoutPlan(settings.Layout!, repository!);
    }
}
