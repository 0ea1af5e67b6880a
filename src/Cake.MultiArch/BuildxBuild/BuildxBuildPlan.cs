using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.BuildxBuild;

/// <content>Validation (every setting checked before anything starts, every problem reported at once) and the secret values it reads.</content>
public sealed partial class BuildxBuildRunner
{
    /// <summary>Checks the settings before anything starts; every problem is reported at once.</summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="CakeException">One or more settings are invalid.</exception>
    internal void Validate(BuildxBuildSettings settings)
    {
        var problems = new List<string>();
        AddNullProblems(problems, "Tags", settings.Tags);
        AddNullProblems(problems, "Allow", settings.Allow);
        AddNullProblems(problems, "Attestations", settings.Attestations);
        AddNullProblems(problems, "NoCacheFilter", settings.NoCacheFilter);
        AddNullProblems(problems, "Ssh", settings.Ssh);
        AddNullProblems(problems, "CacheFrom", settings.CacheFrom);
        AddNullProblems(problems, "CacheTo", settings.CacheTo);
        AddNullProblems(problems, "Outputs", settings.Outputs);
        AddNullProblems(problems, "Secrets", settings.Secrets);
        AddNullProblems(problems, "Ulimits", settings.Ulimits);
        if (problems.Count > 0)
        {
            // The other checks read every entry: report the nulls alone.
            throw new CakeException("BuildxBuild: " + string.Join(System.Environment.NewLine + "BuildxBuild: ", problems));
        }

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

        if (!string.IsNullOrEmpty(settings.ShmSize) && !ShmSizePattern().IsMatch(settings.ShmSize))
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

        AddKeyProblems(problems, "BuildArgs", settings.BuildArgs.Keys);
        AddKeyProblems(problems, "Labels", settings.Labels.Keys);
        AddKeyProblems(problems, "BuildContexts", settings.BuildContexts.Keys);
        AddKeyProblems(problems, "AddHosts", settings.AddHosts.Keys);
        AddKeyProblems(problems, "Annotations", settings.Annotations.Keys);

        if (problems.Count > 0)
        {
            throw new CakeException("BuildxBuild: " + string.Join(System.Environment.NewLine + "BuildxBuild: ", problems));
        }
    }

    /// <summary>
    /// Every secret value this build can see, so that none of them reaches the log, an error or a
    /// summary even if a step echoes it: values given directly, those buildx reads from
    /// variables, and the text of secret files. Build a <see cref="SecretRedactor"/> from them.
    /// </summary>
    /// <param name="settings">The validated settings.</param>
    /// <returns>The values (whole; the redactor also masks each of their lines).</returns>
    internal string[] SecretValues(BuildxBuildSettings settings) =>
        settings.Secrets
            .Select(s => s.IsFromValue ? s.Value
                : s.File is { } file ? ReadSecretFile(file)
                : s.EnvironmentVariable is { } name ? (settings.EnvironmentVariables.TryGetValue(name, out var v) ? v : Environment.GetEnvironmentVariable(name))
                : null)
            .Where(v => !string.IsNullOrEmpty(v))
            .Select(v => v!)
            .ToArray();

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

    private static void AddNullProblems<T>(List<string> problems, string setting, IList<T> items)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                problems.Add($"{setting} holds null at position {i + 1}; expected a value, found null. Remove the null entry (a variable that was never set?).");
            }
        }
    }

    private static void AddKeyProblems(List<string> problems, string setting, IEnumerable<string> keys)
    {
        foreach (var key in keys.Where(k => string.IsNullOrWhiteSpace(k) || k.Contains('=')))
        {
            problems.Add($"{setting} has an invalid key '{key}'; keys must be non-empty and contain no '='.");
        }
    }

    [GeneratedRegex("^[0-9]+(?:[bkmgBKMG])?$")]
    private static partial Regex ShmSizePattern();
}
