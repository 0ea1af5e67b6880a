namespace Cake.MultiArch.CheckDockerfile;

/// <summary>The stable ids of the Dockerfile preflight's rules (each can be switched off through <c>DisabledRules</c>).</summary>
public static class DockerfileRules
{
    /// <summary>BuildKit refuses the Dockerfile (an error): an unknown instruction, an unterminated heredoc, a line over 64 KiB, arguments its parser rejects, no instruction at all. The finding names the line and the reason.</summary>
    public const string ParseError = "ParseError";

    /// <summary>A stage uses a BuildKit platform argument (<c>$TARGETARCH</c>, <c>$BUILDPLATFORM</c>, …) without declaring it with <c>ARG</c>: it expands to an empty string there.</summary>
    public const string PlatformArgNotDeclared = "PlatformArgNotDeclared";

    /// <summary>A platform argument is declared with a default (<c>ARG TARGETARCH=amd64</c>) that replaces the value BuildKit sets per platform.</summary>
    public const string PlatformArgDefault = "PlatformArgDefault";

    /// <summary>A stage whose output is only copied into another stage starts <c>FROM --platform=$TARGETPLATFORM</c> and runs commands: it could run natively with <c>--platform=$BUILDPLATFORM</c>.</summary>
    public const string TargetPlatformInBuildStage = "TargetPlatformInBuildStage";

    /// <summary>A RUN step compiles (go build, dotnet publish, cargo build, gcc, make, mvn, gradle, npm run build, …) under QEMU emulation in a stage that could run on the build platform and cross-compile.</summary>
    public const string EmulatedCompile = "EmulatedCompile";

    /// <summary>BuildKit's check of the same name: <c>FROM --platform=$TARGETPLATFORM</c> sets what BuildKit uses anyway.</summary>
    public const string RedundantTargetPlatform = "RedundantTargetPlatform";

    /// <summary>BuildKit's check of the same name: <c>FROM --platform</c> names a constant platform (<c>linux/amd64</c>), unless the stage's name contains its OS or architecture (<c>AS build_amd64</c>, picked by <c>FROM build_${TARGETARCH}</c>).</summary>
    public const string FromPlatformFlagConstDisallowed = "FromPlatformFlagConstDisallowed";

    /// <summary>A base image (FROM, or COPY --from an image) does not serve a platform the build needs from it. Switching it off also skips the registry requests.</summary>
    public const string BaseImagePlatformMissing = "BaseImagePlatformMissing";

    /// <summary>A base image's tag or digest does not exist in its registry.</summary>
    public const string BaseImageNotFound = "BaseImageNotFound";

    /// <summary>A base image's registry could not be asked (unreachable, refused credentials, timeout), or its reference could not be resolved: reported as <c>unknown</c>.</summary>
    public const string BaseImageUnknown = "BaseImageUnknown";

    /// <summary>Gets every rule id, in the order findings are listed.</summary>
    public static IReadOnlyList<string> All { get; } =
        [ParseError, PlatformArgNotDeclared, PlatformArgDefault, TargetPlatformInBuildStage, RedundantTargetPlatform, FromPlatformFlagConstDisallowed, EmulatedCompile, BaseImagePlatformMissing, BaseImageNotFound, BaseImageUnknown];
}
