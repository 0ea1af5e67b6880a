#!/usr/bin/env bash
# ReadyToRun in one package, checked by hand (root; not in CI, where PackageRuntimeCopiesTests holds the
# same facts; needs tests/testbed/setup.sh: QEMU's qemu-aarch64 handler and the arm64 .NET runtime).
# Issue 18, item 2: the package stays one architecture-neutral package that x64 and arm64 Cake load.
# It carries the IL build in lib/net10.0 and a ReadyToRun copy per Linux runtime in
# runtimes/linux-x64/lib/net10.0 and runtimes/linux-arm64/lib/net10.0 (src/Cake.MultiArch's
# ReadyToRunCopies target); Cake picks one folder with NuGet's RID rules (Cake.NuGet's
# NuGetContentResolver). One run:
#   1. packs the addin from this checkout and prints each copy's PE machine field and whether it
#      carries a ReadyToRun header (the "RTR" signature of its ManagedNativeHeader);
#   2. runs a tiny script with real Cake (Cake.Tool's own Cake.dll), natively on x64 and as arm64
#      under QEMU (tests/testbed/arm64-cake.sh): installed from the package (#addin: the folder Cake
#      chose), and #r of single copies (the IL build; the x64 copy on arm64, which the runtime refuses:
#      why the package holds one copy per architecture). The script calls Platform.Parse("linux/arm64")
#      and prints how many methods the call JIT-compiled (System.Runtime.JitInfo): precompiled code
#      leaves fewer;
#   3. prints a table.
# Usage: bash tests/benchmark/r2r-arm64.sh      (KEEP=1 keeps the logs and the package)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tests/benchmark/arm64-dotnet.sh"
cake_tool_dir "$root"
out=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "logs and the package in $out" || trap 'rm -rf "$out"' EXIT
unset CAKE_SETTINGS_ENABLESCRIPTCACHE
ms() { date +%s%3N; }
cd "$root"

echo "1. packing the addin (the IL build and the ReadyToRun copies)"
dotnet pack src/Cake.MultiArch -c Release -o "$out/feed" -v q -nologo >"$out/pack.log" 2>&1 || { tail -20 "$out/pack.log"; exit 1; }
nupkg=$(ls "$out"/feed/Cake.MultiArch.*.nupkg); pkg_version=$(basename "$nupkg" .nupkg); pkg_version=${pkg_version#Cake.MultiArch.}
mkdir -p "$out/pkg" && (cd "$out/pkg" && unzip -q "$nupkg")
# PE header: machine field, COR header flags, ManagedNativeHeader (a ReadyToRun image points it at
# a READYTORUN_HEADER whose signature is "RTR"). On Linux, crossgen2 writes the machine XOR 0x7b79.
python3 - "$out/pkg" lib/net10.0 runtimes/linux-x64/lib/net10.0 runtimes/linux-arm64/lib/net10.0 >"$out/pe.txt" <<'PY'
import struct, sys
names = {0x14c: "I386", 0x8664: "AMD64", 0xaa64: "ARM64"}
for folder in sys.argv[2:]:
    b = open(f"{sys.argv[1]}/{folder}/Cake.MultiArch.dll", 'rb').read()
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
    mnh_rva = struct.unpack_from('<I', b, clr + 64)[0]
    rtr = "none"
    if mnh_rva and b[off(mnh_rva):off(mnh_rva) + 4] == b'RTR\0':
        major, minor = struct.unpack_from('<HH', b, off(mnh_rva) + 4)
        rtr = f"RTR v{major}.{minor}"
    short = "0x%04x %s" % (machine, names[machine]) if machine in names else "0x%04x (%s ^ 0x7b79, Linux)" % (machine, names.get(machine ^ 0x7b79, "?"))
    print(f"{folder}\t{short}\t{rtr}\t{len(b)}")
PY
while IFS=$'\t' read -r folder machine rtr size; do echo "   $folder/Cake.MultiArch.dll: machine $machine, ReadyToRun header $rtr, $size bytes"; done <"$out/pe.txt"

echo "2. Cake runs of a script that calls Platform.Parse(\"linux/arm64\")"
declare -A cell
run_case() { # run_case NAME HOST DIRECTIVE
  local name=$1 host=$2 directive=$3 dir="$out/$1-$2" log rc took text
  mkdir -p "$dir"; log="$dir/cake.log"
  cat >"$dir/build.cake" <<CAKE
$directive
var before = System.Runtime.JitInfo.GetCompiledMethodCount(false);
var platform = Cake.MultiArch.Platforms.Platform.Parse("linux/arm64");
var jitted = System.Runtime.JitInfo.GetCompiledMethodCount(false) - before;
Console.WriteLine(\$"RESULT loaded {typeof(Cake.MultiArch.Platforms.Platform).Assembly.Location.Replace("$dir/tools/Addins/Cake.MultiArch.$pkg_version/", "").Replace("$out/pkg/", "")}; Platform.Parse(\"linux/arm64\") = {platform}; process {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}; {jitted} methods JIT-compiled by the call");
CAKE
  local t0; t0=$(ms); rc=0
  if [ "$host" = x64 ]; then (cd "$dir" && dotnet "$cake_tool/Cake.dll" build.cake --verbosity=diagnostic) >"$log" 2>&1 || rc=$?
  else bash "$root/tests/testbed/arm64-cake.sh" "$dir/build.cake" --verbosity=diagnostic >"$log" 2>&1 || rc=$?; fi
  took=$(awk -v t=$(($(ms) - t0)) 'BEGIN {printf "%.1f s", t / 1000}')
  text=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -m1 -E '^(RESULT |Error: )' | sed 's/^RESULT //' || true)
  [ -n "$text" ] || text="exit $rc, no result line (see $log)"
  [ "$rc" = 0 ] || text="refused (exit $rc): ${text#Error: }"
  case $text in
    loaded*) cell[$name-$host]="$(sed -E 's/^loaded ([^;]+);.*; ([0-9]+) methods.*/\1: \2 methods JIT-compiled by the call/' <<<"$text") ($took)" ;;
    *BadImageFormatException*) cell[$name-$host]="refused: BadImageFormatException ($took)" ;;
    *) cell[$name-$host]="$text ($took)" ;;
  esac
  echo "   $name on $host, $took: $text"
}
feed_directive="#addin nuget:file://$out/feed?package=Cake.MultiArch&version=$pkg_version"
for host in x64 arm64; do
  run_case package "$host" "$feed_directive"
  run_case il "$host" "#r \"$out/pkg/lib/net10.0/Cake.MultiArch.dll\""
done
run_case x64copy arm64 "#r \"$out/pkg/runtimes/linux-x64/lib/net10.0/Cake.MultiArch.dll\""

echo
echo "| the script loads | x64 Cake (native) | arm64 Cake (QEMU) |"
echo "| --- | --- | --- |"
echo "| the package (#addin): the folder Cake chose | ${cell[package-x64]} | ${cell[package-arm64]} |"
echo "| lib/net10.0 alone (#r, the IL build) | ${cell[il-x64]} | ${cell[il-arm64]} |"
echo "| runtimes/linux-x64 alone (#r) | — | ${cell[x64copy-arm64]} |"
