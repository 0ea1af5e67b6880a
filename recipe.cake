// Cake.MultiArch recipe: a reusable task graph for multi-architecture images.
//
//   #r "path/to/Cake.MultiArch.dll"     (or #addin nuget:?package=Cake.MultiArch)
//   #load "recipe.cake"
//   MultiArch.Image = "registry.example.com/team/app:1.0";
//   RunTarget(Argument("target", "Publish"));
//
// Every value can also come from the command line: --image, --platforms, --context, --file,
// --builder, --push (default true).
//
// Tasks: MultiArch-Build (docker buildx build) and Publish (depends on it). Later steps
// (RegisterQemu, EnsureBuilder, VerifyManifest) join the graph in front of and behind the build.

public static class MultiArch
{
    public static string Image { get; set; }
    public static string Platforms { get; set; } = "linux/amd64,linux/arm64";
    public static string Context { get; set; } = ".";
    public static string File { get; set; }
    public static string Builder { get; set; }
    public static bool Push { get; set; } = true;
    public static Action<BuildxBuildSettings> Configure { get; set; }
    public static BuildxBuildResult Result { get; set; }
}

MultiArch.Image = Argument("image", MultiArch.Image ?? EnvironmentVariable("MULTIARCH_IMAGE"));
MultiArch.Platforms = Argument("platforms", MultiArch.Platforms);
MultiArch.Context = Argument("context", MultiArch.Context);
MultiArch.File = Argument("file", MultiArch.File);
MultiArch.Builder = Argument("builder", MultiArch.Builder);
MultiArch.Push = Argument("push", MultiArch.Push);

Task("MultiArch-Build")
    .Description("Builds (and pushes) the image for every platform with docker buildx build.")
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

Task("Publish")
    .Description("Builds and pushes the multi-architecture image.")
    .IsDependentOn("MultiArch-Build");
