using Cake.MultiArch.RegisterQemu;

namespace Cake.MultiArch.Tests.RegisterQemu;

/// <summary>
/// binfmt_misc's write side for a table folder (a copy of the real listings in
/// Fixtures/Data/binfmt): writing a line to <c>register</c> adds an entry file in the exact
/// format the kernel lists (checked against the fixtures and the live kernel), EEXIST when the
/// name exists, EINVAL for a line the kernel refuses; <c>-1</c>, <c>0</c>, <c>1</c> to an entry
/// remove, disable and enable it. Plugged into <see cref="BinfmtHost.KernelWrite"/>.
/// </summary>
internal sealed class FakeBinfmtKernel
{
    private readonly string _folder;
    private readonly List<(string File, string Text)> _writes = [];

    public FakeBinfmtKernel(string folder)
    {
        _folder = folder;
    }

    /// <summary>Gets every write, in order: the file name and the text.</summary>
    public IReadOnlyList<(string File, string Text)> Writes => _writes;

    /// <summary>Gets or sets a hook run inside a register write before the kernel looks at the name (another process racing us).</summary>
    public Action<BinfmtRegistration>? Racer { get; set; }

    /// <summary>Makes a table folder in <paramref name="dir"/> holding a copy of the real listings (fixtures/binfmt).</summary>
    public static string TableFromFixtures(Fixtures.TempDirectory dir)
    {
        var table = dir.Combine("binfmt_misc");
        Directory.CreateDirectory(table);
        foreach (var file in Directory.GetFiles(Fixtures.TestPaths.Fixture("binfmt")))
        {
            File.Copy(file, Path.Combine(table, Path.GetFileName(file)));
        }

        return table;
    }

    /// <summary>Writes listed hex (<c>7f45</c>) the way registration lines escape it (<c>\x7f\x45</c>).</summary>
    public static string Escape(string hex) => string.Concat(Enumerable.Range(0, hex.Length / 2).Select(i => "\\x" + hex.Substring(i * 2, 2)));

    /// <summary>Formats an entry the way the kernel lists it.</summary>
    public static string Listing(BinfmtRegistration r, bool enabled = true) =>
        $"{(enabled ? "enabled" : "disabled")}\ninterpreter {r.Interpreter}\nflags: {r.Flags}\n"
        + (r.Type == 'E' ? $"extension .{r.Magic}\n" : $"offset {r.Offset}\nmagic {r.Magic}\n" + (r.Mask is null ? string.Empty : $"mask {r.Mask}\n"));

    /// <summary>Adds an entry as if registered earlier.</summary>
    public void Add(string line, bool enabled = true)
    {
        var r = BinfmtRegistration.Parse(line);
        File.WriteAllText(Path.Combine(_folder, r.Name), Listing(r, enabled));
    }

    public void Write(string path, string text)
    {
        var file = Path.GetFileName(path);
        lock (_writes)
        {
            _writes.Add((file, text));
        }

        if (file == "register")
        {
            if (!BinfmtRegistration.TryParse(text, out var r))
            {
                throw new IOException("Invalid argument", 22);
            }

            Racer?.Invoke(r);
            var entry = Path.Combine(_folder, r.Name);
            if (File.Exists(entry))
            {
                throw new IOException("File exists", RegisterQemuRunner.AlreadyExists);
            }

            File.WriteAllText(entry, Listing(r));
            return;
        }

        var target = Path.Combine(_folder, file);
        if (!File.Exists(target))
        {
            throw new FileNotFoundException("No such file or directory", target);
        }

        switch (text)
        {
            case "-1":
                File.Delete(target);
                break;
            case "0":
                File.WriteAllText(target, File.ReadAllText(target).Replace("enabled\n", "disabled\n", StringComparison.Ordinal));
                break;
            case "1":
                File.WriteAllText(target, File.ReadAllText(target).Replace("disabled\n", "enabled\n", StringComparison.Ordinal));
                break;
            default:
                throw new IOException("Invalid argument", 22);
        }
    }
}
