// Cake.MultiArch recipe: a reusable task graph for multi-architecture images.
//
//   #r "path/to/Cake.MultiArch.dll"     (or #addin nuget:?package=Cake.MultiArch)
//   #load "recipe.cake"
//   MultiArch.Image = "registry.example.com/team/app:1.0";
//   RunTarget(Argument("target", "Publish"));
//
// Every value can also come from the command line: --image, --platforms, --context, --file,
// --builder (default multiarch), --push (default true), --qemu-mode (container or host),
// --qemu-image (an installer image or a mirror of tonistiigi/binfmt), --deep-verify (default
// true: check every platform's binaries).
//
// Tasks: MultiArch-RegisterQemu → MultiArch-EnsureBuilder → MultiArch-Build → MultiArch-Verify → Publish.

public static class MultiArch
{
    public static string Image { get; set; }
    public static string Platforms { get; set; } = "linux/amd64,linux/arm64";
    public static string Context { get; set; } = ".";
    public static string File { get; set; }
    public static string Builder { get; set; } = "multiarch";
    public static string QemuMode { get; set; } = "container";
    public static string QemuImage { get; set; } = RegisterQemuSettings.DefaultImage;
    public static bool Push { get; set; } = true;
    public static Action<BuildxBuildSettings> Configure { get; set; }
    public static bool DeepVerify { get; set; } = true;
    public static BuildxBuildResult Result { get; set; }
    public static VerifyManifestReport Report { get; set; }
}

MultiArch.Image = Argument("image", MultiArch.Image ?? EnvironmentVariable("MULTIARCH_IMAGE"));
MultiArch.Platforms = Argument("platforms", MultiArch.Platforms);
MultiArch.Context = Argument("context", MultiArch.Context);
MultiArch.File = Argument("file", MultiArch.File);
MultiArch.Builder = Argument("builder", MultiArch.Builder);
MultiArch.Push = Argument("push", MultiArch.Push);
MultiArch.QemuMode = Argument("qemu-mode", MultiArch.QemuMode);
MultiArch.QemuImage = Argument("qemu-image", MultiArch.QemuImage);
MultiArch.DeepVerify = Argument("deep-verify", MultiArch.DeepVerify);

Task("MultiArch-RegisterQemu")
    .Description("Registers QEMU emulators for the platforms this host does not run natively.")
    .Does(() =>
    {
        var settings = new RegisterQemuSettings
        {
            Mode = MultiArch.QemuMode == "host" ? QemuRegistrationMode.Host : QemuRegistrationMode.Container,
            Image = MultiArch.QemuImage,
        };
        foreach (var platform in PlatformList.Parse(MultiArch.Platforms))
        {
            settings.Platforms.Add(platform);
        }

        RegisterQemu(settings);
    });

Task("MultiArch-EnsureBuilder")
    .Description("Makes sure the buildx builder exists and covers every platform.")
    .IsDependentOn("MultiArch-RegisterQemu")
    .Does(() =>
    {
        var settings = new EnsureBuilderSettings { Name = MultiArch.Builder };
        foreach (var platform in PlatformList.Parse(MultiArch.Platforms))
        {
            settings.RequiredPlatforms.Add(platform);
        }

        EnsureBuilder(settings);
    });

Task("MultiArch-Build")
    .Description("Builds (and pushes) the image for every platform with docker buildx build.")
    .IsDependentOn("MultiArch-EnsureBuilder")
    .Does(() =>
    {
        if (string.IsNullOrWhiteSpace(MultiArch.Image))
        {
            throw new CakeException("MultiArch-Build: no image is set; pass --image=registry.example.com/team/app:1.0, set MULTIARCH_IMAGE, or set MultiArch.Image in the script.");
        }

        var settings = new BuildxBuildSettings { Context = MultiArch.Context, Builder = MultiArch.Builder, Push = MultiArch.Push }
            .WithPlatform(MultiArch.Platforms)
            .WithTag(MultiArch.Image);
        if (!string.IsNullOrEmpty(MultiArch.File))
        {
            settings.File = MultiArch.File;
        }

        MultiArch.Configure?.Invoke(settings);
        MultiArch.Result = BuildxBuild(settings);
    });

Task("MultiArch-Verify")
    .Description("Proves the pushed digest serves every platform (and, deep, the right binaries).")
    .IsDependentOn("MultiArch-Build")
    .WithCriteria(() => MultiArch.Push, "nothing was pushed")
    .Does(() =>
    {
        var settings = new VerifyManifestSettings { Deep = MultiArch.DeepVerify };
        foreach (var platform in PlatformList.Parse(MultiArch.Platforms))
        {
            settings.ExpectedPlatforms.Add(platform);
        }

        MultiArch.Report = VerifyManifest(MultiArch.Result, settings);
    });

Task("Publish")
    .Description("Builds, pushes and verifies the multi-architecture image.")
    .IsDependentOn("MultiArch-Verify");
