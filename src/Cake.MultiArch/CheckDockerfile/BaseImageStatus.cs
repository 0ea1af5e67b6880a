using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>What the registry said about one base image.</summary>
public enum BaseImageState
{
    /// <summary>The image serves every platform the build needs from it.</summary>
    Ok,

    /// <summary>The image lacks one or more of the platforms the build needs.</summary>
    PlatformMissing,

    /// <summary>The registry answered that the image (its tag or digest) does not exist.</summary>
    NotFound,

    /// <summary>The registry could not be asked (unreachable, refused credentials, timeout): <c>unknown</c>.</summary>
    Unknown,
}

/// <summary>One distinct base image of the Dockerfile, the platforms the build needs from it and what it serves.</summary>
/// <param name="Image">The image reference, after build arguments and global ARG defaults were applied.</param>
/// <param name="Needed">The platforms the build pulls it for.</param>
/// <param name="Served">The platforms it serves (empty unless the registry answered).</param>
/// <param name="State">The outcome.</param>
/// <param name="Error">Why the registry could not be asked, for <see cref="BaseImageState.Unknown"/> and <see cref="BaseImageState.NotFound"/>.</param>
public sealed record BaseImageStatus(string Image, IReadOnlyList<Platform> Needed, IReadOnlyList<Platform> Served, BaseImageState State, string? Error)
{
    /// <summary>Gets the needed platforms the image does not serve (all of them when the image was not found; none when unknown).</summary>
    public IReadOnlyList<Platform> Missing => State switch
    {
        BaseImageState.PlatformMissing => Needed.Where(p => !Served.Contains(p)).ToArray(),
        BaseImageState.NotFound => Needed,
        _ => [],
    };

    /// <summary>Formats the status: <c>image: needs …; serves …; state</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Image}: needs {PlatformList.Format(Needed)}; {(State == BaseImageState.Unknown ? "unknown" : State == BaseImageState.NotFound ? "not found" : "serves " + (Served.Count == 0 ? "no platform" : PlatformList.Format(Served)))}{(State == BaseImageState.PlatformMissing ? $"; missing {PlatformList.Format(Missing)}" : string.Empty)}";
}
