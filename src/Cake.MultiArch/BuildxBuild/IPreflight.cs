using Cake.Core;
using Cake.Core.IO;
using Cake.MultiArch.CheckDockerfile;

namespace Cake.MultiArch.BuildxBuild;

/// <summary>The Dockerfile check a build runs before docker starts (CheckDockerfile's analysis).</summary>
internal interface IPreflight
{
    /// <summary>Checks the Dockerfile; logs its warnings.</summary>
    /// <param name="dockerfile">The absolute path of the Dockerfile.</param>
    /// <param name="settings">What to check it for (platforms, build args, target, options).</param>
    /// <param name="alias">The alias that prefixes every message.</param>
    /// <exception cref="CakeException">The Dockerfile cannot build for the platforms, or a warning counts as an error.</exception>
    void Run(FilePath dockerfile, CheckDockerfileSettings settings, string alias);
}
