using System.Text.Json;
using System.Text.RegularExpressions;
using Cake.MultiArch.Json;

namespace Cake.MultiArch.CheckDockerfile;

/// <summary>Finds a compiler or build tool in a <c>RUN</c> step (the <c>EmulatedCompile</c> rule), and the cross-compiling fix for it.</summary>
internal static partial class CompileCommands
{
    /// <summary>Finds the first compiler or build tool a RUN step starts, with the cross-compile hint for it.</summary>
    /// <param name="run">The RUN instruction.</param>
    /// <returns>The command and the fix, or <see langword="null"/>.</returns>
    public static (string Command, string Fix)? Find(DockerfileInstruction run)
    {
        var script = run.Arguments;
        if (run.IsExecForm)
        {
            try
            {
                script = string.Join(' ', JsonSerializer.Deserialize(run.Arguments, MultiArchJsonContext.Default.StringArray) ?? []);
            }
            catch (JsonException)
            {
            }
        }

        script = string.Join('\n', [script, .. run.Heredocs.Select(h => h.Text)]);
        foreach (var segment in CommandSeparator().Split(script))
        {
            var command = LeadingAssignments().Replace(segment.Trim(), string.Empty);
            var match = CompilerPattern().Match(command);
            if (!match.Success)
            {
                continue;
            }

            var text = match.Value;
            const string From = "Start the stage 'FROM --platform=$BUILDPLATFORM …'";
            var fix = match.Groups["go"].Success ? $"{From}, declare 'ARG TARGETOS TARGETARCH' and build with 'GOOS=$TARGETOS GOARCH=$TARGETARCH {text} …' (Go cross-compiles by itself)."
                : match.Groups["dotnet"].Success ? $"{From}, declare 'ARG TARGETARCH' and run '{text} -a $TARGETARCH …' (the .NET SDK cross-compiles; '-a' takes amd64 and arm64)."
                : match.Groups["cargo"].Success ? $"{From}, add the target with 'rustup target add' and a linker for it, and run 'cargo build --target <the Rust triple for $TARGETARCH>' (tonistiigi/xx's xx-cargo maps it)."
                : match.Groups["c"].Success ? $"{From}, install a cross compiler for $TARGETARCH (such as gcc-aarch64-linux-gnu, or tonistiigi/xx's xx-clang) and build with CC/CXX set to it."
                : $"{From}: what '{text}' makes does not depend on the platform, so build it once natively and copy the result into the target stage.";
            return (text, fix);
        }

        return null;
    }

    [GeneratedRegex(@"&&|\|\||[;|\n(){}]|\$\(|`")]
    private static partial Regex CommandSeparator();

    [GeneratedRegex(@"^(?:(?:[A-Za-z_][A-Za-z0-9_]*=(?:""[^""]*""|'[^']*'|\S*)\s+)|(?:sudo|env|time|exec|nice)\s+)+")]
    private static partial Regex LeadingAssignments();

    [GeneratedRegex(@"^(?:(?<go>go\s+(?:build|install))|(?<dotnet>dotnet\s+(?:publish|build))|(?<cargo>cargo\s+(?:build|install)|rustc)|(?<c>(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-[0-9]+)?|make|cmake\s+--build|ninja)|(?<jvm>(?:\./)?mvnw?|(?:\./)?gradlew?|javac)|(?<node>(?:npm|pnpm|yarn)\s+(?:run\s+)?build))(?=\s|$)")]
    private static partial Regex CompilerPattern();
}
