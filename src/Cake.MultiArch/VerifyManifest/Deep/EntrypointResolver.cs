using Cake.MultiArch.VerifyManifest.Tree;

namespace Cake.MultiArch.VerifyManifest.Deep;

/// <summary>
/// Resolves a config's command to a file of the merged image the way the runtime would: a name
/// without <c>/</c> through <c>PATH</c> (the first executable match), a relative path from
/// <c>WorkingDir</c>, symlinks inside the image; then a script's <c>#!</c> interpreter
/// (through <c>PATH</c> for <c>/usr/bin/env NAME</c>) and, for the shell form
/// <c>/bin/sh -c "…"</c>, the command's first word when it is a plain program name.
/// </summary>
internal sealed class EntrypointResolver(ImageTree tree, ContainerConfig config)
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh" };

    private static readonly HashSet<string> Builtins = new(StringComparer.Ordinal)
    {
        "exec", "echo", "cd", "set", "true", "false", "test", "[", "if", "for", "while", "until", "case", ".", "source", "export", ":", "eval", "trap", "ulimit", "umask", "printf", "read", "wait", "exit", "{", "(", "!",
    };

    /// <summary>Gets the ELF files the command reaches (program, interpreter, shell program), for the loader checks.</summary>
    public List<TreeNode> Reached { get; } = [];

    /// <summary>Resolves the command and adds the entry point findings.</summary>
    /// <param name="findings">Where findings go.</param>
    /// <returns>The resolution.</returns>
    public EntrypointResolution Resolve(List<DeepFinding> findings)
    {
        var command = config.Command;
        if (command.Count == 0)
        {
            return new EntrypointResolution(command, null, [], null, null, null);
        }

        if (command[0].EndsWith('\r'))
        {
            findings.Add(Finding(Visible(command[0]), null, $"the entry point '{Visible(command[0])}' ends in a carriage return: the Dockerfile or the file its ENTRYPOINT/CMD came from has Windows line endings (CRLF), and the runtime looks for a program named with the \\r", "give the file Unix line endings (LF): add 'Dockerfile text eol=lf' (and '*.sh text eol=lf') to .gitattributes and run 'git add --renormalize .', or write the command in JSON form without the carriage return"));
            return new EntrypointResolution(command, null, [], null, null, null);
        }

        var shellForm = command.Count >= 3 && Shells.Contains(System.IO.Path.GetFileName(command[0])) && command[1] == "-c";
        var (node, links, error) = Find(command[0]);
        if (node is null)
        {
            findings.Add(Finding(command[0], null, $"the entry point '{command[0]}' {error}", shellForm ? MissingShellFix : MissingFix));
            return new EntrypointResolution(command, null, links, null, null, null);
        }

        var (kind, interpreter) = Check(node, "the entry point", findings);
        string? shellProgram = null;
        if (shellForm && FirstWord(command[2]) is { } word)
        {
            var (target, _, targetError) = Find(word);
            if (target is null)
            {
                findings.Add(Finding(word, null, $"the shell command's program '{word}' {targetError}", MissingFix));
            }
            else
            {
                shellProgram = target.Path;
                Check(target, "the shell command's program", findings);
            }
        }

        return new EntrypointResolution(command, node.Path, links, kind, interpreter, shellProgram);
    }

    private const string MissingFix = "COPY it into the final stage (a multi-stage build copies only what the last stage names), fix Entrypoint/Cmd, or stop a later layer from deleting it";

    private const string MissingShellFix = "use the exec form (ENTRYPOINT [\"/app\"]) in an image without a shell, or base the final stage on an image that has /bin/sh";

    private (string? Kind, string? Interpreter) Check(TreeNode node, string what, List<DeepFinding> findings)
    {
        var path = node.Path;
        if (node.Kind == TreeNodeKind.Directory)
        {
            findings.Add(Finding(path, node, $"{what} {path} is a directory", "point Entrypoint/Cmd at the program inside it"));
            return ("directory", null);
        }

        if (node.Kind != TreeNodeKind.File)
        {
            findings.Add(Finding(path, node, $"{what} {path} is not a regular file", "point Entrypoint/Cmd at a program"));
            return ("special file", null);
        }

        if (!node.IsExecutable)
        {
            findings.Add(Finding(path, node, $"{what} {path} is not executable (mode {Convert.ToString((int)node.Mode & 0x1ff, 8).PadLeft(4, '0')})", $"make it executable in the build (COPY --chmod=755 …, or RUN chmod +x {path})"));
            return ("not executable", null);
        }

        if (node.Content?.Elf is { } elf)
        {
            Reached.Add(node);
            var kind = $"ELF {elf.Header.Describe()}, {(elf.Interpreter is null ? "static" : "dynamic")}";
            return (kind, elf.Interpreter);
        }

        if (node.Content?.Shebang is { } shebang)
        {
            CheckScript(node, what, shebang, findings);
            return ("script", Visible(shebang));
        }

        findings.Add(Finding(path, node, $"{what} {path} is neither an ELF binary nor a #! script (the runtime says 'exec format error')", "point Entrypoint/Cmd at a program, or add a #! line to the script"));
        return ("unknown format", null);
    }

    private void CheckScript(TreeNode node, string what, string shebang, List<DeepFinding> findings)
    {
        var path = node.Path;
        var parts = shebang.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        var interpreter = parts.Length > 0 ? parts[0] : string.Empty;
        if (shebang.EndsWith('\r'))
        {
            var program = System.IO.Path.GetFileName(interpreter) == "env" && parts.Length > 1 ? parts[1].TrimStart(' ', '\t').Split([' ', '\t'], 2)[0] : null;
            var effect = interpreter.EndsWith('\r') ? $"the kernel looks for an interpreter named '{Visible(interpreter)}' ('exec {path}: no such file or directory')"
                : program is not null && program.EndsWith('\r') ? $"{interpreter} looks for a program named '{Visible(program)}' (no such file or directory)"
                : $"{interpreter} is given a stray '\\r' as its last argument";
            findings.Add(Finding(path, node, $"{what} {path} is a script whose #! line ends in a carriage return: the file has Windows line endings (CRLF), and {effect}", CrlfFix(path)));
            return;
        }

        var resolved = tree.Resolve(interpreter);
        if (resolved.Node is not { Kind: TreeNodeKind.File })
        {
            findings.Add(Finding(path, node, $"{what} {path} is a script for '{interpreter}', which {Why(resolved, interpreter)}", $"install {System.IO.Path.GetFileName(interpreter)} in the final stage, or change the script's #! line to an interpreter the image has"));
            return;
        }

        if (resolved.Node.Content?.Elf is not null)
        {
            Reached.Add(resolved.Node);
        }

        if (System.IO.Path.GetFileName(interpreter) == "env" && parts.Length > 1)
        {
            var program = parts[1].TrimStart(' ', '\t').Split([' ', '\t'], 2)[0];
            var (target, _, error) = Find(program);
            if (target is null)
            {
                findings.Add(Finding(path, node, $"{what} {path} is a script for '{program}' (through {interpreter}), which {error}", $"install {program} in the final stage, or change the script's #! line"));
            }
            else if (target.Content?.Elf is not null)
            {
                Reached.Add(target);
            }
        }
    }

    private static string CrlfFix(string path) =>
        $"give the script Unix line endings (LF): add '*.sh text eol=lf' to .gitattributes and run 'git add --renormalize .', or convert it in the Dockerfile (RUN dos2unix {path}, or sed -i 's/\\r$//' {path})";

    // A carriage return shown as \r, so that a message or a summary line stays one readable line.
    private static string Visible(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal);

    private (TreeNode? Node, IReadOnlyList<string> Links, string Error) Find(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var from = config.WorkingDir is { Length: > 0 } dir ? tree.Resolve(dir).Node : null;
            var resolution = tree.Resolve(program, followLast: true, from is { Kind: TreeNodeKind.Directory } ? from : null);
            return (resolution.Node, resolution.Links, Why(resolution, program));
        }

        TreeNode? notExecutable = null;
        IReadOnlyList<string> notExecutableLinks = [];
        foreach (var dir in config.Path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var resolution = tree.Resolve(dir.TrimEnd('/') + "/" + program);
            if (resolution.Node is { Kind: TreeNodeKind.File } file)
            {
                if (file.IsExecutable)
                {
                    return (file, resolution.Links, string.Empty);
                }

                notExecutable ??= file;
                notExecutableLinks = resolution.Links;
            }
        }

        return notExecutable is not null
            ? (notExecutable, notExecutableLinks, string.Empty)
            : (null, [], $"is in no PATH directory ({config.Path})");
    }

    private string Why(Resolution resolution, string path)
    {
        var error = resolution.Error ?? "is not a file";
        var missing = error.EndsWith(" does not exist", StringComparison.Ordinal) ? error[..^" does not exist".Length] : null;
        if (missing is not null && tree.Deleted.TryGetValue(missing, out var layer))
        {
            return $"was deleted by layer {DeepFinding.Short(tree.Layers[layer])} ({missing})";
        }

        return resolution.Links.Count > 0 ? $"does not resolve ({string.Join(", ", resolution.Links)}): {error}"
            : error != $"{path} does not exist" ? $"does not resolve: {error}"
            : "does not exist";
    }

    private static string? FirstWord(string command)
    {
        foreach (var token in command.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token == "exec" || (token.Contains('=', StringComparison.Ordinal) && !token.StartsWith('=')))
            {
                continue;
            }

            return token.IndexOfAny(['$', '`', ';', '&', '|', '<', '>', '(', ')', '{', '}', '*', '?', '[', ']', '\'', '"', '\\', '~']) >= 0 || Builtins.Contains(token) ? null : token;
        }

        return null;
    }

    private DeepFinding Finding(string file, TreeNode? node, string message, string fix) =>
        new(DeepCheck.Entrypoint, DeepFindingSeverity.Error, file, node is null ? null : tree.LayerOf(node), message, fix);
}
