namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>The real buildx 0.13.1 / docker 28 texts captured on the test bed (Fixtures/Data, see its README).</summary>
internal static class BuilderData
{
    /// <summary>Reads a captured file without its first line (the command that printed it).</summary>
    public static string Output(string name) => TestPaths.ReadOutput(name);

    /// <summary>Gets the stderr of the failed docker-container create (no Docker Hub), as buildx printed it.</summary>
    public static string CreateNoHubStderr
    {
        get
        {
            var text = Output("buildx-0.13-create-bootstrap-no-hub.txt");
            var start = text.IndexOf("# stderr:\n", StringComparison.Ordinal) + "# stderr:\n".Length;
            return text[start..text.IndexOf("rc=1", StringComparison.Ordinal)];
        }
    }

    /// <summary>Gets the inspect text of the engine's own builder, named as a given docker context.</summary>
    public static string EngineInspect(string name = "default") =>
        Output("buildx-0.13-inspect-default.txt").Replace("Name:   default", "Name:   " + name, StringComparison.Ordinal).Replace("Endpoint:         default", "Endpoint:         " + name, StringComparison.Ordinal).Replace("Name:             default", "Name:             " + name, StringComparison.Ordinal);

    public static string Containerd => Output("docker-info-driverstatus-containerd.txt");

    public static string Overlay2 => Output("docker-info-driverstatus-overlay2.txt");

    /// <summary>The line-by-line form of docker's error tail, as DockerRunner quotes it.</summary>
    public static string Said(string stderr) =>
        string.Join(Environment.NewLine, stderr.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(20).Select(l => "  " + l));
}
