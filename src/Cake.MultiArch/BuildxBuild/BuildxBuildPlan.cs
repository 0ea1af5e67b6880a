using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>
/// What one <c>docker buildx build</c> is to do, worked out from the settings alone (and the files
/// they name): every problem with them (all reported at once, before anything starts), the
/// Dockerfile preflight to run, the secret values to keep out of the log, and the argv.
/// </summary>
internal sealed class BuildxBuildPlan
{
    private readonly BuildxBuildSettings _settings;

    /// <summary>Initializes a new instance of the <see cref="BuildxBuildPlan"/> class.</summary>
    /// <param name="settings">The settings (read, never written).</param>
    /// <param name="fileSystem">The file system the context, Dockerfile and secret files are looked up in.</param>
    /// <param name="environment">The environment relative paths and secret variables are resolved in.</param>
    public BuildxBuildPlan(BuildxBuildSettings settings, IFileSystem fileSystem, ICakeEnvironment environment)
    {
        _settings = settings;
        FileSystem = fileSystem;
        Environment = environment;
    }

    private IFileSystem FileSystem { get; }

    private ICakeEnvironment Environment { get; }

    /// <summary>Checks the settings; every problem is reported at once.</summary>
    /// <exception cref="CakeException">One or more settings are invalid.</exception>
    public void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
        {
            throw new CakeException("BuildxBuild: " + string.Join(System.Environment.NewLine + "BuildxBuild: ", problems));
        }
    }

    /// <summary>Lists what is wrong with the settings, in the order the options are documented.</summary>
    /// <returns>The problems (without the alias prefix); empty when the settings can be built.</returns>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        AddNullProblems(problems);
        if (problems.Count > 0)
        {
            return problems; // the other checks read every entry: report the nulls alone
        }

        AddPlatformProblems(problems);
        AddOutputProblems(problems);
        AddPathProblems(problems);
        AddSecretProblems(problems);
        AddOptionProblems(problems);
        return problems;
    }

    /// <summary>
    /// Every secret value this build can see, so that none of them reaches the log, an error or a
    /// summary even if a step echoes it: values given directly, those buildx reads from
    /// variables, and the text of secret files. Build a <see cref="SecretRedactor"/> from them.
    /// </summary>
    /// <returns>The values (whole; the redactor also masks each of their lines).</returns>
    public string[] SecretValues() =>
        _settings.Secrets
            .Select(s => s.IsFromValue ? s.Value
                : s.File is { } file ? ReadSecretFile(file)
                : s.EnvironmentVariable is { } name ? (_settings.EnvironmentVariables.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name))
                : null)
            .Where(v => !string.IsNullOrEmpty(v))
            .Select(v => v!)
            .ToArray();

    /// <summary>Works out the Dockerfile preflight: the Dockerfile and what to check it for.</summary>
    /// <returns>The check to run, or <see langword="null"/> when none runs (skipped, a remote context, no platforms, or a missing Dockerfile docker names itself).</returns>
    public (FilePath Dockerfile, CheckDockerfileSettings Settings)? Preflight()
    {
        var settings = _settings;
        if (settings.SkipPreflight || !IsLocalContext(settings.Context) || settings.Platforms.Count == 0)
        {
            return null;
        }

        var dockerfile = (settings.File ?? new DirectoryPath(settings.Context).CombineWithFilePath("Dockerfile")).MakeAbsolute(Environment);
        if (!FileSystem.Exist(dockerfile))
        {
            return null; // docker names the missing file itself
        }

        var check = new CheckDockerfileSettings { Target = settings.Target };
        settings.Preflight.CopyTo(check);
        foreach (var platform in settings.Platforms)
        {
            check.Platforms.Add(platform);
        }

        foreach (var (key, value) in settings.BuildArgs)
        {
            check.BuildArgs[key] = value;
        }

        foreach (var (key, value) in settings.BuildContexts)
        {
            check.BuildContexts[key] = value;
        }

        return (dockerfile, check);
    }

    /// <summary>Renders the command line, in <c>docker buildx build --help</c> order, context last.</summary>
    /// <param name="temporaryMetadataFile">The metadata file to ask for when the settings name none.</param>
    /// <param name="defaultProgress">The progress to ask for when the settings name none (rawjson where buildx has it).</param>
    /// <returns>The arguments.</returns>
    public ProcessArgumentBuilder Arguments(FilePath temporaryMetadataFile, BuildProgress? defaultProgress)
    {
        var settings = _settings;
        var metadataFile = settings.MetadataFile?.MakeAbsolute(Environment) ?? temporaryMetadataFile;
        var progress = settings.Progress ?? (settings.Quiet ? null : defaultProgress ?? (IsCi() ? BuildProgress.Plain : null)); // buildx refuses --quiet with any --progress but auto/quiet
        return BuildxBuildArguments.Render(settings, Environment, metadataFile, progress);
    }

    /// <summary>Gets whether a context is a local folder (not <c>-</c>, a URL or a Git address).</summary>
    /// <param name="context">The context.</param>
    /// <returns><see langword="true"/> for a folder.</returns>
    internal static bool IsLocalContext(string context) =>
        !string.IsNullOrWhiteSpace(context) && context != "-" && !context.Contains("://", StringComparison.Ordinal) && !context.StartsWith("git@", StringComparison.Ordinal);

    private bool IsCi() => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private void AddNullProblems(List<string> problems)
    {
        var settings = _settings;
        SettingProblems.AddNulls(problems, "Tags", settings.Tags);
        SettingProblems.AddNulls(problems, "Allow", settings.Allow);
        SettingProblems.AddNulls(problems, "Attestations", settings.Attestations);
        SettingProblems.AddNulls(problems, "NoCacheFilter", settings.NoCacheFilter);
        SettingProblems.AddNulls(problems, "Ssh", settings.Ssh);
        SettingProblems.AddNulls(problems, "CacheFrom", settings.CacheFrom);
        SettingProblems.AddNulls(problems, "CacheTo", settings.CacheTo);
        SettingProblems.AddNulls(problems, "Outputs", settings.Outputs);
        SettingProblems.AddNulls(problems, "Secrets", settings.Secrets);
        SettingProblems.AddNulls(problems, "Ulimits", settings.Ulimits);
        SettingProblems.AddCacheRefProblems(problems, "CacheFrom", settings.CacheFrom);
        SettingProblems.AddCacheRefProblems(problems, "CacheTo", settings.CacheTo);
    }

    /// <summary>Duplicate, empty and non-Linux platforms.</summary>
    private void AddPlatformProblems(List<string> problems)
    {
        var settings = _settings;
        var duplicates = PlatformList.Duplicates(settings.Platforms);
        if (duplicates.Count > 0)
        {
            problems.Add($"Platforms lists {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once (after normalisation: linux/arm64/v8 is linux/arm64); expected each platform once, found '{PlatformList.Format(settings.Platforms)}'.");
        }

        for (var i = 0; i < settings.Platforms.Count; i++)
        {
            if (settings.Platforms[i].Info is null)
            {
                problems.Add($"Platforms holds an empty value (default(Platform)) at position {i + 1}; expected platforms made by Platform.Parse or WithPlatform(\"linux/arm64\"), one of {Platform.AcceptedValues}. Replace it with a parsed platform.");
            }
        }

        foreach (var foreign in settings.Platforms.Where(p => p.Info is not null && p.Os != "linux").Distinct())
        {
            var os = foreign.Os == "windows" ? "Windows" : foreign.Os == "freebsd" ? "FreeBSD" : foreign.Os;
            problems.Add($"Platforms has '{foreign}', which is not a Linux platform; expected linux/… platforms, found '{PlatformList.Format(settings.Platforms)}'. This addin builds Linux images, and buildx builds {os} images only on a {os} daemon: here every RUN step would still make Linux binaries, labelled {foreign}. Remove '{foreign}' from Platforms, or build {os} images with docker on a {os} machine.");
        }
    }

    /// <summary>Push, outputs and the image names they write.</summary>
    private void AddOutputProblems(List<string> problems)
    {
        var settings = _settings;
        // A multi-platform load is checked against the builder and the engine in CheckLoad.
        var imageOutputs = settings.Outputs.Where(o => o.Type is BuildOutputType.Image or BuildOutputType.Registry).ToArray();
        if (settings.Push && settings.Tags.Count == 0 && !imageOutputs.Any(o => o.Names.Count > 0))
        {
            problems.Add("Push is set but there is nothing to push to: Tags is empty and no image output has a name. Add a tag (WithTag(\"registry.example.com/app:1.0\")) or an image output with a name.");
        }

        foreach (var output in imageOutputs.Where(o => settings.Push && o.Push == false))
        {
            problems.Add($"Push is set together with output '{output}', which says push=false; expected one of them, found both (buildx's --push makes the image output push anyway). Remove Push to keep the image unpushed, or remove push=false from the output.");
        }

        foreach (var output in imageOutputs.Where(o => o.Names.Count == 0 && (o.Push == true || o.Type == BuildOutputType.Registry) && settings.Tags.Count == 0))
        {
            problems.Add($"Outputs has '{output}', which pushes but names no image, and Tags is empty; add a name to the output or a tag.");
        }

        foreach (var output in settings.Outputs.Where(o => o.Type is BuildOutputType.Oci or BuildOutputType.Tar or BuildOutputType.Local && o.Destination is null))
        {
            problems.Add($"Outputs has '{output}' with no Destination; a {output.TypeName} output writes to a file or folder (dest=).");
        }

        var names = settings.Tags.Select(t => (Setting: "Tags", Name: t)).Concat(imageOutputs.SelectMany(o => o.Names.Select(n => (Setting: $"Outputs ('{o}')", Name: n))));
        foreach (var (setting, name) in names)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"{setting} has an empty image reference ('{name}'); expected a reference such as 'registry.example.com/app:1.0'. Remove the empty entry.");
            }
            else if (ImageReference.TryParseCore(name, out _) is { } error)
            {
                problems.Add($"{setting} has an invalid image reference: {error}");
            }
        }
    }

    /// <summary>The context, the Dockerfile and the files buildx writes.</summary>
    private void AddPathProblems(List<string> problems)
    {
        var settings = _settings;
        if (IsLocalContext(settings.Context))
        {
            var context = new DirectoryPath(settings.Context).MakeAbsolute(Environment);
            if (!FileSystem.Exist(context) && FileSystem.Exist(new FilePath(context.FullPath)))
            {
                problems.Add($"Context '{settings.Context}' is a file (looked at '{context.FullPath}'); expected a folder, a Git or HTTP URL, or '-'. Set Context to the folder that holds the files to build (and File to the Dockerfile, if this is it).");
            }
            else if (!FileSystem.Exist(context))
            {
                problems.Add($"Context '{settings.Context}' does not exist (looked at '{context.FullPath}'); expected a folder, a Git or HTTP URL, or '-'.");
            }
            else if (settings.File is null && !FileSystem.Exist(context.CombineWithFilePath("Dockerfile")))
            {
                problems.Add($"File is not set and the context '{context.FullPath}' has no Dockerfile; set File to the Dockerfile to build.");
            }
        }
        else if (string.IsNullOrWhiteSpace(settings.Context))
        {
            problems.Add("Context is empty; expected a folder, a Git or HTTP URL, or '-'.");
        }

        if (settings.File is not null && settings.File.FullPath != "-" && !FileSystem.Exist(settings.File.MakeAbsolute(Environment)))
        {
            var absolute = settings.File.MakeAbsolute(Environment).FullPath;
            problems.Add(FileSystem.Exist(new DirectoryPath(absolute))
                ? $"File '{settings.File.FullPath}' is a folder (looked at '{absolute}'); expected the Dockerfile itself. Set File to the Dockerfile in it, such as '{settings.File.FullPath.TrimEnd('/')}/Dockerfile'."
                : $"File '{settings.File.FullPath}' does not exist (looked at '{absolute}').");
        }

        AddOutputFileProblems(problems, "MetadataFile", settings.MetadataFile);
        AddOutputFileProblems(problems, "ImageIdFile", settings.ImageIdFile);
    }

    /// <summary>Secret ids, values, files and variables.</summary>
    private void AddSecretProblems(List<string> problems)
    {
        var settings = _settings;
        foreach (var secret in settings.Secrets)
        {
            if (string.IsNullOrWhiteSpace(secret.Id))
            {
                problems.Add($"Secrets has a secret with an empty id ('{secret}'); every secret needs the id that RUN --mount=type=secret,id=… names.");
                continue;
            }

            if (secret.IsFromValue && secret.Value is null)
            {
                problems.Add($"Secrets has secret '{secret.Id}' made by WithSecret (BuildSecret.FromValue) with a null value; expected the secret's text, found null. Read the value before the build (a null often means an unset variable or a missing vault entry), or use WithSecretFromEnvironment or WithSecretFromFile to let buildx read it.");
            }
            else if (secret.File is not null && !FileSystem.Exist(secret.File.MakeAbsolute(Environment)))
            {
                problems.Add(FileSystem.Exist(new DirectoryPath(secret.File.MakeAbsolute(Environment).FullPath))
                    ? $"Secrets has secret '{secret.Id}' read from file '{secret.File.FullPath}', which is a folder; expected a file that holds the value."
                    : $"Secrets has secret '{secret.Id}' read from file '{secret.File.FullPath}', which does not exist.");
            }
            else if (!secret.IsFromValue && secret.EnvironmentVariable is { } variable
                && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))
                && !settings.EnvironmentVariables.ContainsKey(variable))
            {
                problems.Add($"Secrets has secret '{secret.Id}' read from environment variable '{variable}', which is not set; set it, or use BuildSecret.FromFile or BuildSecret.FromValue.");
            }
        }

        var secretIds = settings.Secrets.Where(s => !string.IsNullOrWhiteSpace(s.Id)).GroupBy(s => s.Id).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToArray();
        if (secretIds.Length > 0)
        {
            problems.Add($"Secrets has the id {string.Join(", ", secretIds)} more than once; each secret id must be unique.");
        }

        foreach (var shared in settings.Secrets.Where(s => s.EnvironmentVariable is not null && !string.IsNullOrWhiteSpace(s.Id)).GroupBy(s => s.EnvironmentVariable!, StringComparer.Ordinal))
        {
            var ids = shared.Select(s => s.Id).Distinct(StringComparer.Ordinal).ToArray();
            if (ids.Length > 1 && shared.Any(s => s.IsFromValue))
            {
                problems.Add($"Secrets has ids {string.Join(" and ", ids.Select(i => $"'{i}'"))}, which would all pass their value through the environment variable '{shared.Key}' (WithSecret upper-cases an id and makes every character other than a letter or digit '_'); expected ids that map to different variables, found one variable for {ids.Length}. Rename one of the ids (and the RUN --mount=type=secret,id=… that uses it).");
            }
        }
    }

    /// <summary>The remaining options: sizes, frontend method, progress and keys.</summary>
    private void AddOptionProblems(List<string> problems)
    {
        var settings = _settings;
        if (!string.IsNullOrEmpty(settings.ShmSize) && !BuildxBuildPatterns.ShmSize().IsMatch(settings.ShmSize))
        {
            problems.Add($"ShmSize '{settings.ShmSize}' is not a size; expected a number with an optional unit b, k, m or g, such as '2g'.");
        }

        if (settings.Call is { } call && call is not ("build" or "check" or "outline" or "targets") && !call.StartsWith("subrequests.", StringComparison.Ordinal))
        {
            problems.Add($"Call '{call}' is not a frontend method; expected 'build', 'check', 'outline' or 'targets'.");
        }

        if (settings.Quiet && settings.Progress is { } progress && progress != BuildProgress.Quiet)
        {
            problems.Add($"Quiet is set together with Progress '{progress.ToString().ToLowerInvariant()}'; buildx refuses the pair (\"progress=plain and quiet cannot be used together\"). Set only one of them.");
        }

        if (settings.Check && settings.Call is not null and not "check")
        {
            problems.Add($"Check is set together with Call '{settings.Call}'; Check is --call=check, so set only one of them.");
        }

        AddSbomProblems(problems);
        SettingProblems.AddKeyProblems(problems, "BuildArgs", settings.BuildArgs.Keys);
        SettingProblems.AddKeyProblems(problems, "Labels", settings.Labels.Keys);
        SettingProblems.AddKeyProblems(problems, "BuildContexts", settings.BuildContexts.Keys);
        SettingProblems.AddKeyProblems(problems, "AddHosts", settings.AddHosts.Keys);
        SettingProblems.AddKeyProblems(problems, "Annotations", settings.Annotations.Keys);
    }

    private void AddSbomProblems(List<string> problems)
    {
        if (_settings.SbomGenerator is not { } generator)
        {
            return;
        }

        if (_settings.Sbom == false)
        {
            problems.Add($"SbomGenerator '{generator}' is set together with Sbom = false; expected one of them (a generator makes an SBOM). Remove Sbom = false, or the generator.");
        }

        if (string.IsNullOrWhiteSpace(generator) || generator.IndexOfAny([',', '"', ' ', '\t', '\n']) >= 0 || !ImageReference.TryParse(generator, out _))
        {
            problems.Add($"SbomGenerator '{generator}' is not an image reference; expected the scanner image, such as 'docker/buildkit-syft-scanner:stable-1' or 'registry.example.com/tools/sbom-scanner:1' (no commas, quotes or spaces: buildx reads --sbom as CSV).");
        }
    }

    private string? ReadSecretFile(FilePath path)
    {
        var file = FileSystem.GetFile(path.MakeAbsolute(Environment));
        if (!file.Exists)
        {
            return null;
        }

        using var reader = new StreamReader(file.OpenRead());
        return reader.ReadToEnd();
    }

    private void AddOutputFileProblems(List<string> problems, string setting, FilePath? path)
    {
        if (path is null)
        {
            return;
        }

        var absolute = path.MakeAbsolute(Environment);
        if (FileSystem.Exist(new DirectoryPath(absolute.FullPath)))
        {
            problems.Add($"{setting} '{path.FullPath}' is a folder (looked at '{absolute.FullPath}'); expected a file path buildx can write. Name a file in it, such as '{path.FullPath.TrimEnd('/')}/{(setting == "MetadataFile" ? "metadata.json" : "image-id.txt")}'.");
            return;
        }

        var folder = absolute.GetDirectory();
        if (!FileSystem.Exist(folder))
        {
            problems.Add($"{setting} '{path.FullPath}' is in a folder that does not exist ('{folder.FullPath}'); expected an existing folder, because buildx writes this file only after the build (and any push) has finished and would fail then. Create the folder first (EnsureDirectoryExists) or choose a path in an existing folder.");
        }
    }
}
