#!/usr/bin/env bash
# Where a cold process's first use of the addin goes (run by hand, not in CI; root, after
# tests/testbed/setup.sh and the Release build of the addin: dotnet cake build/build.cake --target=Pack).
# Runs the engine benchmark's Publish (one BuildxBuild with push + VerifyManifest of an unchanged,
# cached two-platform image) in a fresh `dotnet cake` process with EventPipe on (the runtime's JIT,
# loader and type-load events: no tool to install), then lists, from the first alias call
# to the end: JIT time per namespace, the costliest methods to JIT, the costliest type loads
# and the assemblies loaded (tests/benchmark/Cake.MultiArch.Trace).
# Usage: bash tests/benchmark/trace.sh [TOP]       (KEEP=1 keeps the .nettrace; SCRIPT_CACHE=1 fills
# Cake's script cache first and traces a run that loads the compiled script, so no Roslyn runs;
# TRACE_TIMELINE=1 adds JIT per 100 ms of the window, on the alias's thread and on the others;
# TRACE_RANGE=FROM,TO lists every first compilation from FROM to TO ms into the window, with its tier)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
top=${1:-15}
# The package from artifacts/ as users install it, or ADDIN=…/Cake.MultiArch.dll (tests/benchmark/addin-directive.sh).
source "$root/tests/benchmark/addin-directive.sh"
addin_directive_for "$root"
registry=${TESTBED_REGISTRY:-127.0.0.1:5000}
curl -sf "http://$registry/v2/" >/dev/null || { echo "the test bed's registry does not answer at $registry: run tests/testbed/setup.sh"; exit 1; }
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
image="$registry/trace-bench-$$/app:1"
mkdir -p "$work/ctx"
cp /bin/busybox "$work/ctx/busybox-amd64"
cp "${TESTBED:-/var/cache/cake-multiarch}/arm64/bin/busybox" "$work/ctx/busybox-arm64"
printf 'FROM scratch\nARG TARGETARCH\nCOPY busybox-${TARGETARCH} /bin/busybox\n' > "$work/ctx/Dockerfile"
docker buildx build --builder default --platform linux/amd64,linux/arm64 --tag "$image" --push "$work/ctx" >"$work/first.log" 2>&1 || { cat "$work/first.log"; exit 1; }
cat > "$work/trace.cake" <<CAKE
$addin_directive
System.Console.WriteLine("ADDIN_FILE=" + typeof(Platform).Assembly.Location);
Task("Install").Does(() => { });
Task("Publish").Does(() =>
{
    var settings = new VerifyManifestSettings();
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/amd64"));
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/arm64"));
    VerifyManifest(BuildxBuild("$work/ctx", s => s.WithBuilder("default").WithPlatform("linux/amd64", "linux/arm64").WithTag("$image").WithPush()), settings);
});
RunTarget(Argument("target", "Publish"));
CAKE
cd "$root"
dotnet tool restore >/dev/null
dotnet build tests/benchmark/Cake.MultiArch.Trace -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
# Keywords: Loader 0x8, Jit 0x10, CompilationDiagnostic 0x2000000000 (ReadyToRun code taken), TypeDiagnostic
# 0x8000000000; level 5 (verbose) for the JIT's start events.
# A first run installs the package (#addin) outside the traced one.
dotnet cake "$work/trace.cake" --target=Install >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
echo "addin: $addin_directive; Cake loaded $(addin_loaded "$work/install.log")"
if [ -n "${SCRIPT_CACHE:-}" ]; then
  export CAKE_SETTINGS_ENABLESCRIPTCACHE=true
  dotnet cake "$work/trace.cake" >"$work/fill.log" 2>&1 || { cat "$work/fill.log"; exit 1; }
fi
# `dotnet cake` is two .NET processes (the SDK's CLI starts the tool): one file each ({pid}), and
# the largest is Cake's.
DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath="$work/publish.{pid}.nettrace" \
  DOTNET_EventPipeConfig='Microsoft-Windows-DotNETRuntime:0xA000000018:5' \
  dotnet cake "$work/trace.cake" >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }
dotnet "$root/tests/benchmark/Cake.MultiArch.Trace/bin/Release/net10.0/Cake.MultiArch.Trace.dll" "$(ls -S "$work"/publish.*.nettrace | head -1)" "$top"
docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$registry/trace-bench-$$/" | xargs -r docker image rm -f >/dev/null 2>&1 || true
