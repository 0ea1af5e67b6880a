using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cake.MultiArch.Json;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Cosign;

/// <summary>
/// How cosign reaches the registry without a credential in its arguments: a username and
/// password are written to a temporary docker config (<c>config.json</c>, readable by the owner
/// only) that <c>DOCKER_CONFIG</c> names and that is deleted after the call; else the docker
/// config the settings name; else (docker config not used) an empty one.
/// </summary>
internal sealed class CosignRegistryConfig : IDisposable
{
    private readonly string? _temporary;

    private CosignRegistryConfig(string? temporary, IReadOnlyDictionary<string, string> environment)
    {
        _temporary = temporary;
        Environment = environment;
    }

    /// <summary>Gets the environment variables cosign needs for the registry (<c>DOCKER_CONFIG</c>, or none).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Makes the configuration for one run.</summary>
    /// <param name="access">The registry access.</param>
    /// <param name="registry">The registry host the credential is for.</param>
    /// <param name="environment">Cake's environment (for relative paths).</param>
    /// <returns>The configuration; dispose it after the run.</returns>
    public static CosignRegistryConfig Create(RegistryAccess access, string registry, Cake.Core.ICakeEnvironment environment)
    {
        if (!string.IsNullOrEmpty(access.Username) || !access.UseDockerConfig)
        {
            var folder = Path.Combine(Path.GetTempPath(), "cake-multiarch-cosign-" + Guid.NewGuid().ToString("N"));
            var info = Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                info.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }

            var file = new DockerConfigFile();
            if (!string.IsNullOrEmpty(access.Username))
            {
                var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(access.Username + ":" + access.Password));
                file.Auths[registry == ImageReference.DefaultRegistry ? "https://index.docker.io/v1/" : registry] = new Dictionary<string, string> { ["auth"] = auth };
            }

            File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(file, MultiArchJsonContext.Default.DockerConfigFile));
            return new CosignRegistryConfig(folder, new Dictionary<string, string> { ["DOCKER_CONFIG"] = folder });
        }

        return access.DockerConfig is { } config
            ? new CosignRegistryConfig(null, new Dictionary<string, string> { ["DOCKER_CONFIG"] = config.MakeAbsolute(environment).FullPath })
            : new CosignRegistryConfig(null, new Dictionary<string, string>());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_temporary is not null && Directory.Exists(_temporary))
        {
            Directory.Delete(_temporary, true);
        }
    }

    /// <summary>The docker config cosign is given: <c>{"auths":{"registry":{"auth":"base64(user:password)"}}}</c>.</summary>
    internal sealed class DockerConfigFile
    {
        /// <summary>Gets the credentials by registry.</summary>
        [JsonPropertyName("auths")]
        public Dictionary<string, Dictionary<string, string>> Auths { get; } = [];
    }
}
