using Cake.Core;
using Cake.MultiArch.BuildxBuild;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.VerifyManifest;

/// <summary>
/// VerifyManifest's plan: checks its inputs before any request (every validation of the alias,
/// listing every problem at once) and works out what to verify from the settings or a build
/// result, without ever writing to the settings.
/// </summary>
internal static class VerifyManifestPlan
{
    /// <summary>The source named when the settings list the platforms.</summary>
    public const string FromSettings = "ExpectedPlatforms";

    /// <summary>The source named when the build's requested platforms are used.</summary>
    public const string FromRequested = "the build's requested platforms (BuildxBuildResult.RequestedPlatforms)";

    /// <summary>The source named when the build's metadata platforms are used.</summary>
    public const string FromMetadata = "the build's metadata (containerimage.buildinfo keys)";

    /// <summary>The source named when the registry's own platforms are used.</summary>
    public const string FromRegistry = "the platforms the registry serves (the build result names none)";

    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>Checks the settings and one image for <c>VerifyManifest(settings)</c>.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The target.</returns>
    /// <exception cref="CakeException">Every problem, one per line.</exception>
    public static VerifyTarget ForSettings(VerifyManifestSettings settings)
    {
        var problems = new List<string>();
        var reference = CheckImage(settings.Image, "Image", problems);
        CheckSettings(settings, requirePlatforms: true, problems);
        Throw(problems);
        return new VerifyTarget(settings.Image!, reference!, settings.ExpectedPlatforms.ToArray(), FromSettings);
    }

    /// <summary>Checks the settings and a build result for <c>VerifyManifest(build, settings)</c>: the result's image always wins over <see cref="VerifyManifestSettings.Image"/>.</summary>
    /// <param name="build">The build result.</param>
    /// <param name="settings">The settings.</param>
    /// <returns>The target.</returns>
    /// <exception cref="CakeException">Every problem, one per line.</exception>
    public static VerifyTarget ForBuild(BuildxBuildResult build, VerifyManifestSettings settings)
    {
        var problems = new List<string>();
        var image = BuildImage(build, problems);
        ImageReference? reference = null;
        if (image is not null)
        {
            reference = CheckImage(image, "the build result's image", problems);
        }

        CheckSettings(settings, requirePlatforms: false, problems);
        Throw(problems);
        var (expected, source) = settings.ExpectedPlatforms.Count > 0 ? (settings.ExpectedPlatforms.ToArray(), FromSettings)
            : build.RequestedPlatforms.Count > 0 ? (build.RequestedPlatforms.ToArray(), FromRequested)
            : build.Platforms.Count > 0 ? (build.Platforms.ToArray(), FromMetadata)
            : ((Platform[]?)null, FromRegistry);
        return new VerifyTarget(image!, reference!, expected, source);
    }

    /// <summary>Checks the settings and image list for <c>VerifyManifests</c>.</summary>
    /// <param name="images">The images.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="maxParallel">How many at once.</param>
    /// <returns>A target per image, in order.</returns>
    /// <exception cref="CakeException">Every problem, one per line.</exception>
    public static IReadOnlyList<VerifyTarget> ForImages(IReadOnlyList<string?> images, VerifyManifestSettings settings, int maxParallel)
    {
        var problems = new List<string>();
        if (images.Count == 0)
        {
            problems.Add("images is empty; expected one or more image references, such as 'registry.example.com/team/app:1.0'.");
        }

        var references = new ImageReference?[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            references[i] = CheckImage(images[i], $"images[{i}]", problems);
        }

        if (maxParallel is < 1 or > 64)
        {
            problems.Add($"maxParallel is {maxParallel}; expected 1 to 64 images at once (default 8).");
        }

        CheckSettings(settings, requirePlatforms: true, problems);
        Throw(problems);
        var expected = settings.ExpectedPlatforms.ToArray();
        return images.Select((image, i) => new VerifyTarget(image!, references[i]!, expected, FromSettings)).ToArray();
    }

    private static string? BuildImage(BuildxBuildResult build, List<string> problems)
    {
        if (build.Pushed == false)
        {
            problems.Add($"the build result {build} was never pushed (the build loaded or exported it), so no registry serves it; expected a pushed build. Push it (BuildxBuildSettings.Push, or an image output with Push), or verify a pushed image by name (VerifyManifestSettings.Image).");
            return null;
        }

        var name = build.ImageNames.FirstOrDefault();
        if (name is null)
        {
            problems.Add("the build result names no pushed image (image.name is empty); push with a tag (BuildxBuildSettings.Tags and Push), or verify by name with VerifyManifest(new VerifyManifestSettings { Image = … }).");
            return null;
        }

        if (!ImageReference.TryParse(name, out var parsed))
        {
            problems.Add($"the build result's image.name '{name}' is not an image reference; expected 'registry/repository:tag'. Push with a valid tag.");
            return null;
        }

        if (parsed.Repository is "library/moby-dangling" or "moby-dangling")
        {
            problems.Add($"the build result's image.name is '{name}', the name dockerd gives an untagged image, not a pushed one; expected a registry reference. Build with a tag and push (BuildxBuildSettings.Tags and Push = true), or set the name.");
            return null;
        }

        if (build.Digest is null)
        {
            return name;
        }

        if (!RegistryClient.IsDigest(build.Digest) || !build.Digest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            problems.Add($"the build result's digest '{build.Digest}' is not a digest; expected 'sha256:' followed by 64 hex digits (containerimage.digest).");
            return null;
        }

        try
        {
            return parsed.WithDigest(build.Digest).ToString();
        }
        catch (FormatException ex)
        {
            problems.Add($"the build result's digest '{build.Digest}' is not a digest: {ex.Message}");
            return null;
        }
    }

    private static ImageReference? CheckImage(string? image, string name, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            problems.Add(name == "Image"
                ? "Image is not set; expected a reference such as 'registry.example.com/team/app:1.0', or pass the BuildxBuildResult."
                : $"{name} is {(image is null ? "null" : $"'{image}'")}; expected a reference such as 'registry.example.com/team/app:1.0'.");
            return null;
        }

        if (ImageReference.TryParseCore(image, out var reference) is { } error)
        {
            problems.Add($"{(name == "Image" ? "Image" : name)} is invalid: {error}");
            return null;
        }

        return reference;
    }

    private static void CheckSettings(VerifyManifestSettings settings, bool requirePlatforms, List<string> problems)
    {
        var platforms = settings.ExpectedPlatforms;
        if (platforms.Count == 0 && requirePlatforms)
        {
            problems.Add("ExpectedPlatforms is empty; list the platforms the image must serve, such as linux/amd64 and linux/arm64.");
        }

        if (platforms.Any(p => p.Info is null))
        {
            problems.Add($"ExpectedPlatforms holds an empty value (default(Platform)); expected platforms made by Platform.Parse, one of {Platform.AcceptedValues}.");
        }
        else if (PlatformList.Duplicates(platforms) is { Count: > 0 } duplicates)
        {
            problems.Add($"ExpectedPlatforms lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once (after normalisation).");
        }

        if (string.IsNullOrEmpty(settings.Registry.Username) != string.IsNullOrEmpty(settings.Registry.Password))
        {
            problems.Add("Username and Password go together; set both or neither.");
        }

        if (settings.Registry.Username?.Contains(':', StringComparison.Ordinal) == true)
        {
            problems.Add($"Username '{settings.Registry.Username}' holds a ':'; expected a user name without one (basic auth joins user and password with ':').");
        }

        if (settings.MaxOffendersShown < 0)
        {
            problems.Add($"MaxOffendersShown is {settings.MaxOffendersShown}; expected 0 or more (0 counts the offending files without naming them).");
        }

        if (settings.Registry.MaxAttempts < 1)
        {
            problems.Add($"MaxAttempts is {settings.Registry.MaxAttempts}; expected 1 or more (1 tries each request once).");
        }

        CheckTimeout(settings.Registry.RequestTimeout, nameof(settings.Registry.RequestTimeout), "TimeSpan.FromSeconds(30)", problems);
        problems.AddRange(settings.Registry.InsecureRegistryProblems());
        CheckTimeout(settings.Registry.ReadIdleTimeout, nameof(settings.Registry.ReadIdleTimeout), "TimeSpan.FromSeconds(30)", problems);
        CheckTimeout(settings.Registry.LayerTimeout, nameof(settings.Registry.LayerTimeout), "TimeSpan.FromMinutes(30)", problems);


        foreach (var path in settings.IgnoredPaths)
        {
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
            {
                problems.Add($"IgnoredPaths holds {(path is null ? "null" : $"'{path}'")}; expected an absolute path in the image, such as '/usr/libexec/qemu'.");
            }
        }

        problems.AddRange(DeepCheckIdProblems(settings));
        problems.AddRange(AttestationCheckIdProblems(settings.AttestationChecks));

        if (settings.Registry.DockerConfig is { } config)
        {
            if (!settings.Registry.UseDockerConfig)
            {
                problems.Add($"DockerConfig is '{config.FullPath}' but UseDockerConfig is false; set one or the other.");
            }
            else if (!Directory.Exists(config.FullPath))
            {
                problems.Add($"DockerConfig is '{config.FullPath}', a folder that does not exist; expected the folder holding config.json (docker login writes ~/.docker).");
            }
        }
    }

    /// <summary>Lists the check ids in the settings that are not deep checks (ids compare case-sensitively).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>One message per unknown id.</returns>
    public static IEnumerable<string> DeepCheckIdProblems(VerifyManifestSettings settings)
    {
        var accepted = string.Join(", ", DeepCheck.All.Select(c => $"'{c}'"));
        foreach (var (name, list) in new[] { (nameof(VerifyManifestSettings.DisabledDeepChecks), settings.DisabledDeepChecks), (nameof(VerifyManifestSettings.DeepChecksAsErrors), settings.DeepChecksAsErrors) })
        {
            foreach (var id in list.Where(id => !DeepCheck.All.Contains(id, StringComparer.Ordinal)))
            {
                yield return $"{name} lists '{id}', which is not a deep check; expected one of {accepted}.";
            }
        }
    }

    /// <summary>Lists the ids in <see cref="VerifyManifestSettings.AttestationChecks"/> that are not attestation checks, or are listed twice (ids compare case-sensitively).</summary>
    /// <param name="checks">The ids.</param>
    /// <returns>One message per bad id.</returns>
    public static IEnumerable<string> AttestationCheckIdProblems(IEnumerable<string> checks)
    {
        var accepted = string.Join(", ", AttestationCheck.All.Select(c => $"'{c}'"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in checks)
        {
            if (id is null || !AttestationCheck.All.Contains(id, StringComparer.Ordinal))
            {
                var hint = id is not null && AttestationCheck.All.FirstOrDefault(c => string.Equals(c.Replace("Attestation", "Attestation-", StringComparison.Ordinal), id, StringComparison.OrdinalIgnoreCase) || string.Equals(c, id, StringComparison.OrdinalIgnoreCase)) is { } near
                    ? $" (ids are PascalCase: '{near}')"
                    : string.Empty;
                yield return $"AttestationChecks lists {(id is null ? "null" : $"'{id}'")}, which is not an attestation check; expected one of {accepted}{hint}.";
            }
            else if (!seen.Add(id))
            {
                yield return $"AttestationChecks lists '{id}' more than once; expected each check once.";
            }
        }
    }

    private static void CheckTimeout(TimeSpan value, string name, string example, List<string> problems)
    {
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            problems.Add($"{name} is {value}; expected a positive time span of at most 1 day, such as {example}.");
        }
    }

    private static void Throw(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new CakeException("VerifyManifest: " + string.Join(System.Environment.NewLine + "VerifyManifest: ", problems));
        }
    }
}
