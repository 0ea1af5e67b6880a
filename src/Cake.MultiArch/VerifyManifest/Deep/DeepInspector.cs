using Cake.MultiArch.Platforms;
using Cake.MultiArch.VerifyManifest.Elf;
using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>
/// Runs the deep checks (<see cref="DeepCheck"/>) over one platform's merged image and its
/// config: architecture of every ELF file, the entry point, loaders, needed libraries, and the
/// ARM float ABI and architecture. Each finding names the file, the layer that wrote it and a fix.
/// </summary>
internal sealed class DeepInspector(ImageTree tree, ContainerConfig config, Platform platform, DeepOptions options)
{
    private const string CrossCompileFix = "build this stage FROM --platform=$BUILDPLATFORM and cross-compile with GOARCH=$TARGETARCH (declare ARG TARGETARCH in the stage), or copy the file from a stage built for the target platform";

    private string[]? _libraryDirectories;
    private Dictionary<string, TreeNode?>? _directories;

    /// <summary>Runs the checks that are on.</summary>
    /// <returns>What they found.</returns>
    public DeepResult Run()
    {
        var findings = new List<DeepFinding>();
        var elves = ElfFiles();
        var offenders = Offenders(elves);
        if (On(DeepCheck.ElfMachine))
        {
            findings.AddRange(offenders.Take(options.MaxShown).Select(o => Finding(DeepCheck.ElfMachine, o.Node, $"{o.Path} is built for {o.Node.Content!.Elf!.Header.Describe()}, not {platform.Architecture}", CrossCompileFix)));
        }

        EntrypointResolution? entrypoint = null;
        var reached = new List<TreeNode>();
        if (On(DeepCheck.Entrypoint) || On(DeepCheck.Interpreter) || On(DeepCheck.NeededLibraries))
        {
            var resolver = new EntrypointResolver(tree, config);
            var entrypointFindings = new List<DeepFinding>();
            entrypoint = resolver.Resolve(entrypointFindings);
            if (On(DeepCheck.Entrypoint))
            {
                findings.AddRange(entrypointFindings);
            }

            reached.AddRange(resolver.Reached);
        }

        var scope = Scope(reached, elves);
        if (On(DeepCheck.Interpreter))
        {
            CheckInterpreters(scope, findings);
        }

        if (On(DeepCheck.NeededLibraries))
        {
            CheckLibraries(scope, findings);
        }

        var arm = platform.Architecture == "arm" ? elves.Where(e => e.Node.Content!.Elf!.IsArm32).ToArray() : [];
        if (platform.Architecture == "arm" && On(DeepCheck.ArmFloatAbi))
        {
            CheckFloatAbi(arm, findings);
        }

        if (platform.Architecture == "arm" && On(DeepCheck.ArmArch))
        {
            CheckArmArch(arm, findings);
        }

        var severities = findings.Count == 0 ? [] : findings.Select(f => f.Severity == DeepFindingSeverity.Warning && options.AsErrors.Contains(f.Check) ? f with { Severity = DeepFindingSeverity.Error } : f).ToArray();
        return new DeepResult(
            elves.Length,
            offenders.Take(options.MaxShown).Select(o => new ElfOffender(o.Path, o.Node.Content!.Elf!.Header.Describe())).ToArray(),
            offenders.Length,
            entrypoint,
            severities);
    }

    // Every ELF file of the tree (ignored paths left out) by path, a hard-linked file once: a walk
    // that allocates per ELF file, not per node.
    private (TreeNode Node, string Path)[] ElfFiles()
    {
        var elves = new List<(TreeNode Node, string Path)>();
        var directories = new Stack<TreeNode>();
        directories.Push(tree.Root);
        while (directories.TryPop(out var directory))
        {
            foreach (var child in directory.Children)
            {
                if (child.Kind == TreeNodeKind.File && child.Content?.Elf is not null && child.Path is var path && !Ignored(path))
                {
                    elves.Add((child, path));
                }

                if (child.HasChildren)
                {
                    directories.Push(child);
                }
            }
        }

        elves.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return elves.Count <= 1 ? [.. elves] : elves.DistinctBy(e => e.Node.Content, ReferenceEqualityComparer.Instance).ToArray(); // hard links: one file
    }

    private (TreeNode Node, string Path)[] Offenders((TreeNode Node, string Path)[] elves)
    {
        List<(TreeNode Node, string Path)>? offenders = null;
        foreach (var elf in elves)
        {
            if (!elf.Node.Content!.Elf!.Header.Matches(platform))
            {
                (offenders ??= []).Add(elf);
            }
        }

        return offenders is null ? [] : [.. offenders];
    }

    // The dynamically linked ELF files the checks look at: those the entry point reaches and the
    // executables in PATH directories, or every ELF file.
    private List<TreeNode> Scope(List<TreeNode> reached, (TreeNode Node, string Path)[] every)
    {
        var scope = new List<TreeNode>();
        var seen = new HashSet<TreeNode>(ReferenceEqualityComparer.Instance);
        foreach (var node in reached)
        {
            AddToScope(scope, seen, node);
        }

        if (options.EveryElf)
        {
            foreach (var (node, _) in every)
            {
                AddToScope(scope, seen, node);
            }

            return scope;
        }

        var path = config.Path;
        foreach (var range in path.AsSpan().Split(':'))
        {
            var (start, end) = (range.Start.GetOffset(path.Length), range.End.GetOffset(path.Length));
            if (end == start || tree.Resolve(path, start, end).Node is not { Kind: TreeNodeKind.Directory } directory)
            {
                continue;
            }

            // Each name resolved from the directory (symlinks followed), the ELF executables added in name order.
            List<(string Name, TreeNode File)>? found = null;
            foreach (var child in directory.Children)
            {
                var name = child.Name;
                if (tree.Resolve(name, followLast: true, directory).Node is { Kind: TreeNodeKind.File, IsExecutable: true, Content.Elf: not null } file)
                {
                    (found ??= []).Add((name, file));
                }
            }

            found?.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var (_, file) in found ?? [])
            {
                AddToScope(scope, seen, file);
            }
        }

        return scope;
    }

    private void AddToScope(List<TreeNode> scope, HashSet<TreeNode> seen, TreeNode node)
    {
        if (seen.Add(node) && !Ignored(node))
        {
            scope.Add(node);
        }
    }

    private void CheckInterpreters(List<TreeNode> scope, List<DeepFinding> findings)
    {
        if (!scope.Exists(n => n.Content!.Elf!.Interpreter is not null))
        {
            return;
        }

        foreach (var group in scope.Where(n => n.Content!.Elf!.Interpreter is not null && n.Content.Elf.Header.Matches(platform)).GroupBy(n => n.Content!.Elf!.Interpreter!, StringComparer.Ordinal))
        {
            var loader = tree.Resolve(group.Key);
            if (loader.Node is { Kind: TreeNodeKind.File } present)
            {
                if (present.Content?.Elf is { } loaderElf && !loaderElf.Header.Matches(platform))
                {
                    findings.Add(Finding(
                        DeepCheck.Interpreter,
                        present,
                        $"{Names(group.Select(n => n.Path).ToArray())} need{(group.Count() == 1 ? "s" : string.Empty)} the loader {group.Key}, which is {present.Path}, built for {loaderElf.Header.Describe()}, not {platform.Architecture}",
                        "take the loader and the C library from a base image for the target platform (FROM --platform=$TARGETPLATFORM), not from the build machine"));
                }

                continue;
            }

            var files = group.Select(n => n.Path).ToArray();
            var needsMusl = group.Key.Contains("ld-musl-", StringComparison.Ordinal);
            var musl = LibraryDirectories().Any(d => DirectoryNode(d)?.Children.Any(c => c.Name.StartsWith("ld-musl-", StringComparison.Ordinal)) == true);
            var glibc = LibraryDirectories().Any(d => InDirectory(d, "libc.so.6") is { Kind: TreeNodeKind.File });
            var (kind, fix) = (needsMusl, musl, glibc) switch
            {
                (false, true, _) => ("glibc binary on a musl base", "use a musl build on an Alpine base, or a glibc base (such as debian:bookworm-slim) for this binary"),
                (true, _, true) => ("musl binary on a glibc base", "use an Alpine (musl) base for this binary, or build it against glibc"),
                _ => (null, "copy the loader and the C library in (a glibc or musl base image), or build a static binary (CGO_ENABLED=0 for Go, -static, or a musl target)"),
            };
            var first = group.First();
            var names = Names(files);
            findings.Add(Finding(
                DeepCheck.Interpreter,
                first,
                $"{names} need{(files.Length == 1 ? "s" : string.Empty)} the loader {group.Key}, which {(loader.Links.Count > 0 ? "does not resolve: " + loader.Error : "is not in the image")}{(kind is null ? string.Empty : $" (a {kind})")}",
                fix));
        }
    }

    private void CheckLibraries(List<TreeNode> scope, List<DeepFinding> findings)
    {
        if (!scope.Exists(n => n.Content!.Elf!.Needed.Count > 0))
        {
            return; // static binaries (or none): nothing to look up
        }

        var missing = new Dictionary<string, List<TreeNode>>(StringComparer.Ordinal);
        var queue = new Queue<TreeNode>(scope.Where(n => n.Content!.Elf!.Header.Matches(platform)));
        var seen = new HashSet<TreeNode>(queue, ReferenceEqualityComparer.Instance);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var elf = node.Content!.Elf!;
            var runPaths = elf.RunPaths.Count == 0 ? [] : RunPaths(elf, node.Parent?.Path ?? "/");
            foreach (var name in elf.Needed)
            {
                var library = name.Contains('/', StringComparison.Ordinal)
                    ? tree.Resolve(name).Node
                    : FindLibrary(runPaths, name);
                if (library is not { Kind: TreeNodeKind.File })
                {
                    if (!missing.TryGetValue(name, out var users))
                    {
                        missing[name] = users = [];
                    }

                    users.Add(node);
                }
                else if (library.Content?.Elf is not null && seen.Add(library))
                {
                    queue.Enqueue(library);
                }
            }
        }

        foreach (var (name, users) in missing.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            findings.Add(new DeepFinding(
                DeepCheck.NeededLibraries,
                DeepFindingSeverity.Warning,
                users[0].Path,
                tree.LayerOf(users[0]),
                $"{name} is needed by {Names(users.Select(u => u.Path).ToArray())} but is in none of the library paths ({string.Join(":", LibraryDirectories())})",
                $"install the package that ships {name} in the final stage, or link it statically"));
        }
    }

    private void CheckFloatAbi((TreeNode Node, string Path)[] arm, List<DeepFinding> findings)
    {
        var expected = platform.Variant == "v7" ? "hard" : "soft";
        var wrong = arm.Where(e => e.Node.Content!.Elf!.ArmFloatAbi is { } abi && abi != expected).ToArray();
        if (wrong.Length == 0)
        {
            return;
        }

        var fix = expected == "soft"
            ? $"build for armel (arm-linux-gnueabi, soft-float; GOARM=6 for Go), or publish these binaries as linux/arm/v7 instead of {platform}"
            : "build for armhf (arm-linux-gnueabihf, hard-float; GOARM=7 for Go), or publish these binaries as linux/arm/v6";
        findings.Add(Finding(
            DeepCheck.ArmFloatAbi,
            wrong[0].Node,
            $"{wrong.Length} of {arm.Length} ARM ELF files use the {(expected == "soft" ? "hard" : "soft")}-float ABI, not the {expected}-float ABI {platform} implies: {Names(wrong.Select(w => w.Path).ToArray())}",
            fix));
    }

    private void CheckArmArch((TreeNode Node, string Path)[] arm, List<DeepFinding> findings)
    {
        if (ArmAttributes.Newest(platform.Variant) is not { } newest)
        {
            return;
        }

        var wrong = arm.Where(e => e.Node.Content!.Elf!.ArmCpuArch is { } arch && arch > newest).ToArray();
        if (wrong.Length == 0)
        {
            return;
        }

        var archs = string.Join(", ", wrong.Select(w => ArmAttributes.Name(w.Node.Content!.Elf!.ArmCpuArch!.Value)).Distinct());
        findings.Add(Finding(
            DeepCheck.ArmArch,
            wrong[0].Node,
            $"{wrong.Length} of {arm.Length} ARM ELF files are built for {archs}, newer than {platform} runs ({ArmAttributes.Name(newest)} at most): {Names(wrong.Select(w => w.Path).ToArray())}",
            $"compile for the variant (-march=armv{platform.Variant?[1..]}, GOARM={platform.Variant?[1..]}; Debian's armel packages are ARMv5TE), or drop {platform} from the platforms"));
    }

    private static string[] RunPaths(ElfDetails elf, string origin) =>
        elf.RunPaths.Select(p => p.Replace("${ORIGIN}", origin, StringComparison.Ordinal).Replace("$ORIGIN", origin, StringComparison.Ordinal)).ToArray();

    // The first file of that name in the run paths, then the library directories.
    private TreeNode? FindLibrary(string[] runPaths, string name)
    {
        foreach (var directory in runPaths.Concat(LibraryDirectories()))
        {
            if (InDirectory(directory, name) is { Kind: TreeNodeKind.File } file)
            {
                return file;
            }
        }

        return null;
    }

    // A name looked up in a directory of the image (as DIR/NAME resolves), each directory resolved once per run.
    private TreeNode? InDirectory(string directory, string name) =>
        DirectoryNode(directory) is { } node ? tree.Resolve(name, followLast: true, node).Node : null;

    private TreeNode? DirectoryNode(string path)
    {
        _directories ??= new Dictionary<string, TreeNode?>(StringComparer.Ordinal);
        if (!_directories.TryGetValue(path, out var node))
        {
            node = tree.Resolve(path).Node is { Kind: TreeNodeKind.Directory } directory ? directory : null;
            _directories[path] = node;
        }

        return node;
    }

    // The directories the loader searches (read once per run).
    private string[] LibraryDirectories() => _libraryDirectories ??= LoaderDirectories.Read(tree, platform);

    private string Names(string[] paths) =>
        string.Join(", ", paths.Take(options.MaxShown)) + (paths.Length > options.MaxShown ? $" and {paths.Length - options.MaxShown} more" : string.Empty);

    private bool On(string check) => !options.Disabled.Contains(check);

    private bool Ignored(string path) => options.IgnoredPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal));

    private bool Ignored(TreeNode node) => options.IgnoredPaths.Count > 0 && Ignored(node.Path);

    private DeepFinding Finding(string check, TreeNode node, string message, string fix) =>
        new(check, DeepFindingSeverity.Error, node.Path, tree.LayerOf(node), message, fix);
}
