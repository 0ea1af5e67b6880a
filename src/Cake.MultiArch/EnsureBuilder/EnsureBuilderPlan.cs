using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.Docker;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>
/// Every problem with EnsureBuilder's settings, checked before any process starts (the
/// <c>docker buildx create</c> argument lists are <see cref="EnsureBuilderCommands"/>', how an
/// existing builder differs from the settings <see cref="BuilderDifferences"/>').
/// </summary>
internal static class EnsureBuilderPlan
{
    /// <summary>Throws one error listing every problem of the settings, or returns.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="fileSystem">The file system (BuildkitdConfig must exist).</param>
    /// <param name="environment">The environment (relative paths).</param>
    /// <exception cref="CakeException">The settings have problems.</exception>
    public static void Validate(EnsureBuilderSettings settings, IFileSystem fileSystem, ICakeEnvironment environment)
    {
        if (Problems(settings, fileSystem, environment) is { Count: > 0 } problems)
        {
            throw new CakeException("EnsureBuilder: " + string.Join(System.Environment.NewLine + "EnsureBuilder: ", problems));
        }
    }

    /// <summary>Lists every problem of the settings, without the alias prefix.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="fileSystem">The file system (BuildkitdConfig must exist).</param>
    /// <param name="environment">The environment (relative paths).</param>
    /// <returns>The problems; empty when the settings can be used.</returns>
    public static IReadOnlyList<string> Problems(EnsureBuilderSettings settings, IFileSystem fileSystem, ICakeEnvironment environment)
    {
        var problems = new List<string>();
        AddModeProblems(problems, settings);
        AddSettingProblems(problems, settings, fileSystem, environment);
        AddNodeProblems(problems, settings);
        return problems;
    }

    /// <summary>Lists the settings that cannot apply to the engine's own builder (buildx cannot change it).</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The engine builder's name.</param>
    /// <returns>One problem per such setting that is set.</returns>
    public static IEnumerable<string> EngineSettingProblems(EnsureBuilderSettings settings, string name)
    {
        var set = new List<string>();
        if (settings.DriverOptions.Count > 0)
        {
            set.Add($"DriverOptions ({string.Join(", ", settings.DriverOptions.Keys)})");
        }

        if (!string.IsNullOrEmpty(settings.BuildkitdFlags))
        {
            set.Add($"BuildkitdFlags '{settings.BuildkitdFlags}'");
        }

        if (settings.BuildkitdConfig is not null)
        {
            set.Add($"BuildkitdConfig '{settings.BuildkitdConfig.FullPath}'");
        }

        if (!string.IsNullOrEmpty(settings.Endpoint))
        {
            set.Add($"Endpoint '{settings.Endpoint}'");
        }

        if (settings.NodePlatforms.Count > 0)
        {
            set.Add($"NodePlatforms ({PlatformList.Format(settings.NodePlatforms)})");
        }

        if (settings.AppendNodes.Count > 0)
        {
            set.Add($"AppendNodes ({settings.AppendNodes.Count})");
        }

        if (settings.Kubernetes is not null)
        {
            set.Add("Kubernetes");
        }

        return set.Select(s =>
            $"{s} is set for '{name}', the docker engine's own builder; expected it unset: buildx cannot change a docker-driver builder (configure its BuildKit in the engine's daemon.json, or name a builder of your own with Driver = DockerContainer).");
    }

    /// <summary>The name, and the choice between the engine's builder and one of our own.</summary>
    private static void AddModeProblems(List<string> problems, EnsureBuilderSettings settings)
    {
        var name = settings.Name;
        if (settings.Driver == BuilderDriver.Docker)
        {
            if (!BuilderNames.IsContextName(name))
            {
                problems.Add($"Name '{name}' is not a docker context name; expected {BuilderNames.ContextRule}, such as 'default': a docker-driver builder is named after its docker context.");
            }
        }
        else if (!BuilderNames.IsBuilderName(name))
        {
            problems.Add($"Name '{name}' is not a builder name; expected {BuilderNames.NameRule}, such as 'multiarch'.");
        }

        var isDefault = name == BuilderNames.Default;
        if (settings.Automatic && settings.Driver == BuilderDriver.Docker)
        {
            problems.Add("Automatic = true with Driver = Docker; expected Driver DockerContainer, Remote or Kubernetes: Automatic picks the engine's own builder by itself when it can, and Driver describes the builder it falls back to.");
        }

        if (settings.Automatic && isDefault)
        {
            problems.Add("Automatic = true with Name 'default'; expected the name of the builder to fall back to, such as 'multiarch': Automatic picks the engine's own builder by itself when it can.");
        }

        if (settings.Recreate && (isDefault || settings.Driver == BuilderDriver.Docker))
        {
            problems.Add($"Recreate = true for '{name}', the docker engine's own builder; expected Recreate = false: EnsureBuilder never creates, recreates or removes the engine's builder.");
        }

        if (!settings.Automatic && (isDefault || settings.Driver == BuilderDriver.Docker))
        {
            problems.AddRange(EngineSettingProblems(settings, name));
        }
    }

    /// <summary>The endpoint, driver options, config, tool path, lock timeout and platforms.</summary>
    private static void AddSettingProblems(List<string> problems, EnsureBuilderSettings settings, IFileSystem fileSystem, ICakeEnvironment environment)
    {
        problems.AddRange(EndpointProblems(settings.Driver, "Endpoint", settings.Endpoint, first: true));
        problems.AddRange(OptionProblems("", settings.DriverOptions, settings.Kubernetes, settings.Driver));

        if (settings.BuildkitdConfig is { } config && !fileSystem.Exist(config.MakeAbsolute(environment)))
        {
            problems.Add($"BuildkitdConfig '{config.MakeAbsolute(environment).FullPath}' does not exist; expected a buildkitd.toml file (registry mirrors, CAs, insecure registries).");
        }

        if (BuilderNames.ToolPathProblem(settings, fileSystem, environment) is { } toolPath)
        {
            problems.Add(toolPath);
        }

        if (settings.LockTimeout < TimeSpan.Zero)
        {
            problems.Add($"LockTimeout is {settings.LockTimeout}; expected zero or more (how long to wait for another run creating the same builder).");
        }

        problems.AddRange(DuplicatePlatforms("RequiredPlatforms", settings.RequiredPlatforms));
        problems.AddRange(DuplicatePlatforms("NodePlatforms", settings.NodePlatforms));
    }

    /// <summary>The nodes to append: each one's name, endpoint, options and platforms, and unique names.</summary>
    private static void AddNodeProblems(List<string> problems, EnsureBuilderSettings settings)
    {
        for (var i = 0; i < settings.AppendNodes.Count; i++)
        {
            var node = settings.AppendNodes[i];
            if (node is null)
            {
                problems.Add($"AppendNodes[{i}] is null; expected a BuilderNodeSettings.");
                continue;
            }

            var path = $"AppendNodes[{i}]";
            if (string.IsNullOrWhiteSpace(node.Name))
            {
                problems.Add($"AppendNodes has a node with no Name (endpoint '{node.Endpoint}'); the name is how an existing node is recognised.");
            }
            else if (!BuilderNames.IsBuilderName(node.Name))
            {
                problems.Add($"{path}.Name '{node.Name}' is not a node name; expected {BuilderNames.NameRule}, such as 'arm64-native'.");
            }

            problems.AddRange(EndpointProblems(settings.Driver, path + ".Endpoint", node.Endpoint, first: false));
            problems.AddRange(OptionProblems(path + ".", node.DriverOptions, node.Kubernetes, settings.Driver));
            problems.AddRange(DuplicatePlatforms(path + ".Platforms", node.Platforms));
        }

        var duplicateNodes = settings.AppendNodes.Where(n => n is not null && !string.IsNullOrWhiteSpace(n.Name))
            .GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToArray();
        if (duplicateNodes.Length > 0)
        {
            problems.Add($"AppendNodes names {string.Join(", ", duplicateNodes)} more than once; each node name must be unique (buildx compares them without case).");
        }
    }

    private static IEnumerable<string> EndpointProblems(BuilderDriver driver, string setting, string? endpoint, bool first)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            if (driver == BuilderDriver.Remote && first)
            {
                yield return "Endpoint is not set, and the remote driver needs one (such as 'tcp://buildkitd:1234' or 'unix:///run/buildkit/buildkitd.sock').";
            }
            else if (driver == BuilderDriver.Remote)
            {
                yield return $"{setting} is not set, and the remote driver needs one for each node (such as 'tcp://arm64-host:1234').";
            }

            yield break;
        }

        switch (driver)
        {
            case BuilderDriver.Remote when !BuilderNames.IsUrl(endpoint, BuilderNames.RemoteSchemes):
                yield return $"{setting} '{endpoint}' is not a BuildKit address for the remote driver; expected a URL with scheme {string.Join(", ", BuilderNames.RemoteSchemes)}, such as 'tcp://buildkitd:1234'.";
                break;
            case BuilderDriver.Kubernetes:
                yield return $"{setting} '{endpoint}' is set, but the kubernetes driver takes none; expected it unset (buildx reaches the cluster through KUBECONFIG; pin a node with Kubernetes.NodeSelector).";
                break;
            case BuilderDriver.DockerContainer or BuilderDriver.Docker when !BuilderNames.IsContextName(endpoint) && !BuilderNames.IsUrl(endpoint, BuilderNames.DockerSchemes):
                yield return $"{setting} '{endpoint}' is not a docker endpoint; expected a docker context name or a URL with scheme {string.Join(", ", BuilderNames.DockerSchemes)}, such as 'unix:///var/run/docker.sock'.";
                break;
        }
    }

    private static IEnumerable<string> OptionProblems(string path, IDictionary<string, string> options, KubernetesDriverOptions? kubernetes, BuilderDriver driver)
    {
        foreach (var (key, value) in options)
        {
            if (!BuilderNames.IsOptionKey(key))
            {
                yield return $"{path}DriverOptions key '{key}' is not a driver option; expected {BuilderNames.NameRule.Replace(" (buildx's rule)", string.Empty, StringComparison.Ordinal)}, such as 'image' or 'env.BUILDKIT_STEP_LOG_MAX_SPEED'.";
            }
            else if (value is null || value.Any(char.IsControl))
            {
                yield return $"{path}DriverOptions['{key}'] holds no value or a line break; expected one line, such as 'mirror.example.com/moby/buildkit:buildx-stable-1'.";
            }
            else if (key == "image" && Cake.MultiArch.Registry.ImageReference.TryParseCore(value, out _) is { } imageError)
            {
                yield return $"{path}DriverOptions['image'] '{value}' is not an image reference ({imageError}); expected the BuildKit image the builder runs, such as 'mirror.example.com/moby/buildkit:buildx-stable-1'.";
            }
        }

        if (kubernetes is null)
        {
            yield break;
        }

        if (driver != BuilderDriver.Kubernetes)
        {
            yield return $"{path}Kubernetes options are set, but Driver is {driver}; expected Driver = Kubernetes (they become the kubernetes driver's --driver-opt pairs).";
            yield break;
        }

        foreach (var problem in kubernetes.Problems(path + "Kubernetes"))
        {
            yield return problem;
        }

        foreach (var (key, _) in kubernetes.ToDriverOptions().Where(p => options.ContainsKey(p.Key)))
        {
            yield return $"{path}DriverOptions['{key}'] is also set by {path}Kubernetes; expected one of the two.";
        }
    }

    private static IEnumerable<string> DuplicatePlatforms(string setting, IEnumerable<Platform> platforms)
    {
        // default(Platform) (an uninitialised element) once reached buildx as "cannot build ;"
        var invalid = PlatformList.Validate(setting, platforms, allowEmpty: true);
        if (invalid.Count > 0)
        {
            foreach (var problem in invalid)
            {
                yield return problem;
            }

            yield break;
        }

        var duplicates = PlatformList.Duplicates(platforms);
        if (duplicates.Count > 0)
        {
            yield return $"{setting} lists {PlatformList.Format(duplicates)} more than once (linux/arm64/v8 is linux/arm64); expected each platform once.";
        }
    }
}
