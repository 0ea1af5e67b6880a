using Cake.Core;
using Cake.MultiArch.Platforms;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>EnsureBuilder's error texts that name a fix (kept together so each fix is worded once).</summary>
internal static class EnsureBuilderMessages
{
    /// <summary>The daemon.json setting that turns on the containerd image store.</summary>
    public const string ContainerdSetting = """{"features":{"containerd-snapshotter":true}}""";

    /// <summary>Gets the <c>--driver</c> value.</summary>
    /// <param name="driver">The driver.</param>
    /// <returns>The name buildx uses.</returns>
    public static string DriverName(BuilderDriver driver) => driver switch
    {
        BuilderDriver.DockerContainer => "docker-container",
        BuilderDriver.Docker => "docker",
        BuilderDriver.Remote => "remote",
        _ => "kubernetes",
    };

    /// <summary>The engine's builder on the classic image store, asked for several platforms.</summary>
    /// <param name="name">The builder's name.</param>
    /// <param name="required">The platforms asked for.</param>
    /// <returns>The message.</returns>
    public static string ClassicStore(string name, IList<Platform> required) =>
        $"EnsureBuilder: '{name}', the docker engine's own builder, builds one platform at a time on this engine; expected the containerd image store for {PlatformList.Format(required)} in one build, found the classic image store ('docker info' has no driver-type io.containerd.snapshotter.v1). "
        + $"Either enable the containerd image store ({ContainerdSetting} in /etc/docker/daemon.json, then restart dockerd), or use a docker-container builder (Automatic = true, or Driver = DockerContainer with a Name of your own).";

    /// <summary>Fails when the builder's nodes do not cover the required platforms.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="builder">The builder.</param>
    /// <param name="engine">Whether it is the engine's own builder (which is never recreated).</param>
    /// <exception cref="CakeException">Platforms are missing.</exception>
    public static void CheckPlatforms(EnsureBuilderSettings settings, EnsureBuilderResult builder, bool engine)
    {
        var available = builder.Platforms;
        var missing = settings.RequiredPlatforms.Where(p => !available.Contains(p)).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        var offer = available.Count == 0 ? "no platforms (is it running? use Bootstrap = true)" : PlatformList.Format(available);
        var them = missing.Length == 1 ? "it" : "them";
        throw new CakeException(engine
            ? $"EnsureBuilder: builder '{builder.Name}' (the docker engine's own) cannot build {PlatformList.Format(missing)}; it offers {offer}. Either register QEMU emulation for {them} (RegisterQemu; restart dockerd if the builder still does not list {them}), or use a builder with native nodes (Driver = DockerContainer or Remote with AppendNodes)."
            : $"EnsureBuilder: builder '{builder.Name}' cannot build {PlatformList.Format(missing)}; its nodes offer {offer}. "
              + $"Either register QEMU emulation for {them} (RegisterQemu, then Recreate the builder so BuildKit sees the new emulators), or append a native node (AppendNodes with an ssh:// or tcp:// endpoint).");
    }

    /// <summary>Nodes of a builder of one's own in error.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="broken">The nodes in error.</param>
    /// <returns>The message.</returns>
    public static string NodesInError(EnsureBuilderResult builder, IEnumerable<BuilderNode> broken) =>
        string.Join(System.Environment.NewLine, broken.Select(n =>
            $"EnsureBuilder: node '{n.Name}' of builder '{builder.Name}' ({n.Endpoint}) is in error: {n.Error}. Check that its endpoint is reachable, or remove the node with 'docker buildx create --append --leave --name {builder.Name} --node {n.Name}'."));

    /// <summary>The ways out of a failed create, for the driver that failed.</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The text.</returns>
    public static string CreateFixes(EnsureBuilderSettings settings) => settings.Driver switch
    {
        BuilderDriver.Remote =>
            $"Fixes: check that a BuildKit daemon answers at '{settings.Endpoint}', build with the engine's own builder on the containerd image store (Automatic = true), or use a docker-container builder whose BuildKit image is reachable (Driver = DockerContainer, DriverOptions[\"image\"]).",
        BuilderDriver.Kubernetes =>
            "Fixes: check the cluster (KUBECONFIG) and point the pods at a reachable mirror of moby/buildkit:buildx-stable-1 (Kubernetes.Image), build with the engine's own builder on the containerd image store (Automatic = true), or use a BuildKit you run yourself (Driver = Remote, Endpoint = \"tcp://buildkitd:1234\").",
        _ =>
            "Fixes: point BuildKit at a reachable mirror of moby/buildkit:buildx-stable-1 (DriverOptions[\"image\"] = \"mirror.example.com/moby/buildkit:buildx-stable-1\"), build with the engine's own builder on the containerd image store (Automatic = true), or use a BuildKit you run yourself (Driver = Remote, Endpoint = \"tcp://buildkitd:1234\").",
    };
}
