# Sourced by the benchmarks that run the addin in a fresh `dotnet cake` process (engine.sh, trace.sh);
# not run on its own. Sets addin_directive, the script's first line: by default the package
# `dotnet cake build/build.cake --target=Pack` left in artifacts/, installed the way users install
# it (#addin from that folder as a feed), so Cake picks the copy for this machine as it does for a
# user (runtimes/linux-x64/lib/net10.0, ReadyToRun, on x64 Linux; docs/benchmarks.md, "ReadyToRun in
# one package"); ADDIN=…/Cake.MultiArch.dll measures another build of the DLL instead (#r).
# The script prints ADDIN_FILE=<the assembly Cake loaded>; addin_loaded LOG reads it back.
addin_directive_for() { # addin_directive_for ROOT
  local root=$1 nupkg version
  if [ -n "${ADDIN:-}" ]; then
    [ -f "$ADDIN" ] || { echo "ADDIN=$ADDIN: no such file"; exit 1; }
    addin_directive="#r \"$ADDIN\""
    return
  fi
  nupkg=$(ls "$root"/artifacts/Cake.MultiArch.[0-9]*.nupkg 2>/dev/null | head -1)
  [ -n "$nupkg" ] || { echo "pack the addin first: dotnet cake build/build.cake --target=Pack (no artifacts/Cake.MultiArch.*.nupkg)"; exit 1; }
  version=$(basename "$nupkg" .nupkg); version=${version#Cake.MultiArch.}
  addin_directive="#addin nuget:file://$root/artifacts?package=Cake.MultiArch&version=$version"
}
addin_loaded() { grep -oE 'ADDIN_FILE=[^ ]+' "$1" | head -1 | cut -d= -f2 | sed 's/\x1b\[[0-9;]*m//g'; }
