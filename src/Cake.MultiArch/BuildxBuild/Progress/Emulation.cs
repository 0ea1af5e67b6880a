using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.BuildxBuild.Progress;

/// <summary>Which platforms this machine runs under QEMU emulation.</summary>
internal static class Emulation
{
    /// <summary>Gets whether a platform's processes run under QEMU on this machine: its emulator differs from the host's (amd64 runs 386 natively).</summary>
    /// <param name="platform">The platform.</param>
    /// <returns><see langword="true"/> when emulated.</returns>
    public static bool IsEmulated(Platform platform)
    {
        var host = Platform.Host;
        return platform.Info is not null && platform.Info.QemuName != host.Info.QemuName && !(host.Architecture == "amd64" && platform.Architecture == "386");
    }
}
