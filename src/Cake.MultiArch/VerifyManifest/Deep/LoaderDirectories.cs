using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>
/// The directories the dynamic loader searches in an image: the platform's multiarch ones, the
/// defaults, and what <c>/etc/ld.so.conf</c> (and <c>ld.so.conf.d</c>) and musl's
/// <c>/etc/ld-musl-*.path</c> add.
/// </summary>
internal static class LoaderDirectories
{
    private static readonly char[] LoaderConfigSeparators = [':', ' ', '\t', ','];

    private static readonly string[] DefaultLibraryDirectories = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/lib32", "/usr/lib32"];

    /// <summary>Reads the directories for one platform's merged image.</summary>
    /// <param name="tree">The merged image.</param>
    /// <param name="platform">Its platform (the multiarch triplet's directories come first).</param>
    /// <returns>The directories, in search order, each once.</returns>
    public static string[] Read(ImageTree tree, Platform platform)
    {
        var directories = new List<string>(DefaultLibraryDirectories);
        if (Triplet(platform) is { } triplet)
        {
            directories.InsertRange(0, ["/lib/" + triplet, "/usr/lib/" + triplet]);
        }

        foreach (var node in new[] { "/etc/ld.so.conf", "/etc/ld.so.conf.d" }.Select(p => tree.Resolve(p).Node).Where(n => n is not null))
        {
            IEnumerable<TreeNode> files = node!.Kind == TreeNodeKind.Directory ? node.Children : [node];
            foreach (var text in files.Select(f => f.Content?.Text).OfType<string>())
            {
                directories.AddRange(text.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.StartsWith('/')).SelectMany(l => l.Split(LoaderConfigSeparators, StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        foreach (var musl in tree.Resolve("/etc").Node?.Children.Where(c => c.Name.StartsWith("ld-musl-", StringComparison.Ordinal)) ?? [])
        {
            directories.AddRange((musl.Content?.Text ?? string.Empty).Split(['\n', ':'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith('/')));
        }

        return directories.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string? Triplet(Platform platform) => (platform.Architecture, platform.Variant) switch
    {
        ("amd64", _) => "x86_64-linux-gnu",
        ("arm64", _) => "aarch64-linux-gnu",
        ("arm", "v7") => "arm-linux-gnueabihf",
        ("arm", _) => "arm-linux-gnueabi",
        ("386", _) => "i386-linux-gnu",
        ("ppc64le", _) => "powerpc64le-linux-gnu",
        ("s390x", _) => "s390x-linux-gnu",
        ("riscv64", _) => "riscv64-linux-gnu",
        ("loong64", _) => "loongarch64-linux-gnu",
        ("mips64le", _) => "mips64el-linux-gnuabi64",
        _ => null,
    };
}
