#!/usr/bin/env bash
# ReadyToRun check, run by hand (root; not in CI; needs QEMU's qemu-aarch64 binfmt handler, which
# tests/testbed/setup.sh registers): can a ReadyToRun build of the addin ship as the one
# architecture-neutral package, i.e. does an arm64 Cake load it? (issue 18, item 2). One run:
#   1. builds the addin twice from this checkout: the Release build the package ships (IL-only;
#      src/Cake.MultiArch/bin/Release/net10.0) and `dotnet publish -c Release -r linux-x64
#      -p:PublishReadyToRun=true --self-contained false`, and prints each DLL's PE machine field and
#      whether it carries a ReadyToRun header (the "RTR" signature of its ManagedNativeHeader);
#   2. assembles (or reuses) the arm64 .NET runtime and sysroot of tests/benchmark/arm64-dotnet.sh
#      in WORK (default /var/cache/cake-multiarch/bench-dotnet, shared with dotnet-app.sh), and an
#      arm64 app host for Cake.Tool 7.0.0's own Cake.dll (copied out of the NuGet cache);
#   3. for each DLL, runs a tiny script that `#r`s it and calls Platform.Parse("linux/arm64") (no
#      alias, no Cake context: it needs the assembly loaded and nothing else) with real Cake:
#      natively on x64 (`dotnet Cake.dll`) and as arm64 under QEMU, and prints what it printed or
#      the exception Cake reports (--verbosity=diagnostic: type and message), with the wall time;
#      the script also prints the process architecture and how many methods the call JIT-compiled
#      (System.Runtime.JitInfo), which shows whether precompiled code was used;
#   4. prints a table.
# Side effects on the checkout: the ReadyToRun publish writes src/Cake.MultiArch/bin/Release/
# net10.0/linux-x64 and restores obj/ for linux-x64 (the next plain build restores back), and its
# DLL (another hash) trips the Release rule that empties examples/*/tools/cache; the script puts
# that rule's stamp back, so the next plain build does not empty them a second time.
# Usage: bash tests/benchmark/r2r-arm64.sh      (KEEP=1 keeps the logs and DLLs)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${WORK:-/var/cache/cake-multiarch/bench-dotnet}
cake_tool=${CAKE_TOOL:-"$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //;s:/*$::')/cake.tool/7.0.0/tools/net10.0/any"}
[ -f "$cake_tool/Cake.dll" ] || { echo "Cake.Tool 7.0.0 is not in the NuGet cache ($cake_tool): run dotnet tool restore"; exit 1; }
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "no qemu-aarch64 binfmt handler: run tests/testbed/setup.sh"; exit 1; }
out=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "logs and DLLs in $out" || trap 'rm -rf "$out"' EXIT
unset CAKE_SETTINGS_ENABLESCRIPTCACHE
ms() { date +%s%3N; }
cd "$root"

echo "1. building the addin: Release (IL-only) and ReadyToRun linux-x64"
dotnet build src/Cake.MultiArch -c Release -v q -nologo >"$out/build-il.log" 2>&1 || { tail -20 "$out/build-il.log"; exit 1; }
stamp=src/Cake.MultiArch/obj/examples-script-cache.sha256
cp "$stamp" "$out/stamp" 2>/dev/null || true
dotnet publish src/Cake.MultiArch -c Release -r linux-x64 -p:PublishReadyToRun=true --self-contained false \
  -o "$out/r2r-publish" -v q -nologo >"$out/build-r2r.log" 2>&1 || { tail -20 "$out/build-r2r.log"; exit 1; }
if [ -f "$out/stamp" ]; then cp "$out/stamp" "$stamp"; fi
# Each DLL in a folder of its own with the addin's one dependency beside it, as in the package.
mkdir -p "$out/il" "$out/r2r"
cp src/Cake.MultiArch/bin/Release/net10.0/{Cake.MultiArch.dll,ZstdSharp.dll} "$out/il/"
cp "$out/r2r-publish/Cake.MultiArch.dll" src/Cake.MultiArch/bin/Release/net10.0/ZstdSharp.dll "$out/r2r/"
# PE header: machine field, COR header flags, ManagedNativeHeader (a ReadyToRun image points it at
# a READYTORUN_HEADER whose signature is "RTR"). On Linux, crossgen2 writes the machine XOR 0x7b79.
python3 - "$out/il/Cake.MultiArch.dll" "$out/r2r/Cake.MultiArch.dll" >"$out/pe.txt" <<'PY'
import struct, sys
names = {0x14c: "I386", 0x8664: "AMD64", 0xaa64: "ARM64"}
for path in sys.argv[1:]:
    b = open(path, 'rb').read()
    pe = struct.unpack_from('<I', b, 0x3c)[0]
    machine = struct.unpack_from('<H', b, pe + 4)[0]
    nsec, optsize = struct.unpack_from('<H', b, pe + 6)[0], struct.unpack_from('<H', b, pe + 20)[0]
    opt = pe + 24
    dd = opt + (112 if struct.unpack_from('<H', b, opt)[0] == 0x20b else 96)
    def off(rva):
        for s in range(nsec):
            vsize, va, rawsize, raw = struct.unpack_from('<IIII', b, opt + optsize + s * 40 + 8)
            if va <= rva < va + max(vsize, rawsize): return rva - va + raw
    clr = off(struct.unpack_from('<I', b, dd + 14 * 8)[0])
    flags = struct.unpack_from('<I', b, clr + 16)[0]
    mnh_rva, mnh_size = struct.unpack_from('<II', b, clr + 64)
    r2r = mnh_rva != 0 and b[off(mnh_rva):off(mnh_rva) + 4] == b'RTR\0'
    if machine in names: kind = names[machine] + (" (IL-only: any architecture)" if machine == 0x14c else "")
    elif (machine ^ 0x7b79) in names: kind = names[machine ^ 0x7b79] + " for Linux (0x%04x XOR 0x7b79)" % (machine ^ 0x7b79)
    else: kind = "unknown"
    short = "0x%04x %s" % (machine, names[machine]) if machine in names else "0x%04x (%s ^ 0x7b79)" % (machine, names.get(machine ^ 0x7b79, "?"))
    rtr = "none"
    if r2r:
        major, minor = struct.unpack_from('<HH', b, off(mnh_rva) + 4)
        rtr = f"RTR v{major}.{minor}"
    print(f"{'r2r' if 'r2r' in path.split('/')[-2] else 'il'}\t{r2r}\t{short}\t{rtr}\t"
          f"machine 0x{machine:04x} = {kind}; COR flags 0x{flags:x} (ILONLY {'set' if flags & 1 else 'clear'}); ManagedNativeHeader "
          f"{'none' if not mnh_rva else f'at 0x{mnh_rva:x} ({mnh_size} bytes)'}; ReadyToRun header {rtr}; {len(b)} bytes")
PY
while IFS=$'\t' read -r v _ _ _ text; do echo "   $v: $text"; done <"$out/pe.txt"
[ "$(awk -F'\t' '$1 == "il" {print $2}' "$out/pe.txt")" = False ] || { echo "the Release build is not IL-only"; exit 1; }
[ "$(awk -F'\t' '$1 == "r2r" {print $2}' "$out/pe.txt")" = True ] || { echo "the ReadyToRun publish made no ReadyToRun image"; exit 1; }

echo "2. the arm64 .NET runtime (QEMU) and an arm64 host for Cake.Tool 7.0.0"
source "$root/tests/benchmark/arm64-dotnet.sh"
arm64_runtime "$work"
echo "   runtime $arm64_runtime_version in $arm64_root, sysroot $arm64_sysroot"
cp -r "$cake_tool" "$out/cake"
arm64_apphost "$out/cake/Cake" Cake.dll

echo "3. Cake runs of a script that #r's each DLL and calls Platform.Parse(\"linux/arm64\")"
declare -A cell
for v in il r2r; do
  cat >"$out/$v.cake" <<CAKE
#r "$out/$v/Cake.MultiArch.dll"
var before = System.Runtime.JitInfo.GetCompiledMethodCount(false);
var platform = Cake.MultiArch.Platforms.Platform.Parse("linux/arm64");
var jitted = System.Runtime.JitInfo.GetCompiledMethodCount(false) - before;
Console.WriteLine(\$"RESULT loaded: Platform.Parse(\"linux/arm64\") = {platform}; process {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}; {jitted} methods JIT-compiled by the call");
CAKE
  for host in x64 arm64; do
    log="$out/$v-$host.log"
    if [ "$host" = x64 ]; then cmd=(dotnet "$cake_tool/Cake.dll"); else cmd=(arm64_run "$out/cake/Cake"); fi
    t0=$(ms)
    rc=0; (cd "$out" && "${cmd[@]}" "$v.cake" --verbosity=diagnostic) >"$log" 2>&1 || rc=$?
    took=$(awk -v t=$(($(ms) - t0)) 'BEGIN {printf "%.1f s", t / 1000}')
    text=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -m1 -E '^(RESULT |Error: )' | sed 's/^RESULT //' || true)
    [ -n "$text" ] || text="exit $rc, no result line (see $log)"
    [ "$rc" = 0 ] || text="refused (exit $rc): ${text#Error: }"
    case $text in
      loaded:*) short="loaded, $(sed -E 's/.*; ([0-9]+) methods.*/\1/' <<<"$text") methods JIT-compiled by the call" ;;
      *BadImageFormatException*) short="refused: BadImageFormatException" ;;
      *) short=$text ;;
    esac
    cell[$v-$host]="$short ($took)"
    echo "   $v on $host, $took: $text"
  done
done

echo
echo "| DLL | PE machine | ReadyToRun header | x64 Cake (native) | arm64 Cake (QEMU) |"
echo "| --- | --- | --- | --- | --- |"
while IFS=$'\t' read -r v _ machine rtr _; do
  label=$([ "$v" = il ] && echo "Release build (shipped)" || echo "ReadyToRun linux-x64")
  echo "| $label | $machine | $rtr | ${cell[$v-x64]} | ${cell[$v-arm64]} |"
done <"$out/pe.txt"
