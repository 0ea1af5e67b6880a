#!/usr/bin/env bash
# Benchmark, run by hand (root, after tests/testbed/setup.sh; not in CI): why examples/dotnet-app
# publishes natively. It times, in one run:
#   native: `dotnet publish -r linux-x64` and `-r linux-arm64` of examples/dotnet-app on this machine
#           (the .NET SDK cross-publishes), then the image build that only copies out/${TARGETARCH};
#   slow:   the same `dotnet publish -r linux-arm64` run by an arm64 .NET SDK under QEMU, as an
#           emulated `RUN dotnet publish` stage would.
# No arm64 SDK image can be pulled here, so the arm64 SDK is assembled from this machine's own SDK
# (its assemblies are managed code; those precompiled for x64 (ReadyToRun) are turned back into
# IL-only ones, so they are JIT-compiled as on a ReadyToRun-less SDK), the arm64 runtime and host
# packs from NuGet, and an arm64 sysroot of Debian's libc6, libgcc-s1, libstdc++6, libssl3, zlib1g.
# That emulated SDK also JIT-compiles the SDK itself, as the first publish in a fresh container does.
# W^X is off for it (DOTNET_EnableWriteXorExecute=0): .NET's double-mapped code pages make QEMU
# run stale translations (seen here: crashes in JIT-compiled regex code), as Microsoft advises
# for .NET under QEMU user emulation. EMULATED_ENV='DOTNET_EnableHWIntrinsic=0' is a further fallback.
#   ROUNDS=3 (native rounds; the emulated one runs once, it takes minutes), WORK=folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
rounds=${ROUNDS:-3}
work=${WORK:-/var/cache/cake-multiarch/bench-dotnet}
mkdir -p "$work"
sdk_version=$(dotnet --version)
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {print $2}' | sort -V | tail -1)
sdk_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
emu="$work/dotnet-arm64"
ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# The arm64 runtime and sysroot (shared with r2r-arm64.sh), then the SDK on top of that runtime.
source "$repo/tests/benchmark/arm64-dotnet.sh"
arm64_runtime "$work"
[ "$arm64_runtime_version" = "$runtime_version" ] || { echo "arm64 runtime $arm64_runtime_version, expected $runtime_version"; exit 1; }
if [ ! -x "$emu/dotnet" ]; then
  echo "assembling an arm64 .NET SDK $sdk_version (runtime $runtime_version) in $emu"
  cp -a "$sdk_root/sdk" "$sdk_root/packs" "$sdk_root/sdk-manifests" "$emu/"
  arm64_apphost "$emu/sdk/$sdk_version/Roslyn/bincore/csc" "csc.dll"
  python3 - "$emu" <<'PY'
import glob, struct, sys
emu = sys.argv[1]
# x64 ReadyToRun assemblies → IL-only arm64 ones (their IL and metadata are all still there).
n = 0
for p in glob.glob(f"{emu}/sdk/**/*.dll", recursive=True):
    b = bytearray(open(p, 'rb').read())
    if b[:2] != b'MZ': continue
    pe = struct.unpack_from('<I', b, 0x3c)[0]
    if struct.unpack_from('<H', b, pe + 4)[0] != 0xfd1d: continue
    nsec, optsize = struct.unpack_from('<H', b, pe + 6)[0], struct.unpack_from('<H', b, pe + 20)[0]
    opt = pe + 24
    dd = opt + (112 if struct.unpack_from('<H', b, opt)[0] == 0x20b else 96)
    clr = struct.unpack_from('<I', b, dd + 14 * 8)[0]
    for s in range(nsec):
        vsize, va, rawsize, raw = struct.unpack_from('<IIII', b, opt + optsize + s * 40 + 8)
        if va <= clr < va + max(vsize, rawsize): off = clr - va + raw
    struct.pack_into('<I', b, off + 16, struct.unpack_from('<I', b, off + 16)[0] & ~0x4)
    struct.pack_into('<II', b, off + 64, 0, 0)
    struct.pack_into('<H', b, pe + 4, 0xaa64)
    open(p, 'wb').write(b)
    n += 1
print(f"{n} ReadyToRun assemblies made IL-only")
PY
  # Last: an existing $emu/dotnet marks the SDK as assembled.
  arm64_apphost "$emu/dotnet" "sdk/$sdk_version/dotnet.dll"
fi

app="$work/app"
rm -rf "$app" && mkdir -p "$app" && cp -r "$repo/examples/dotnet-app/src/HelloArch/." "$app/"
printf '<Project></Project>\n' > "$work/Directory.Build.props"; cp "$work/Directory.Build.props" "$work/Directory.Build.targets"

native_x64=() native_arm64=() package=()
for _ in $(seq 1 "$rounds"); do
  rm -rf "$app/bin" "$app/obj/Release" "$work/out"
  t0=$(ms); (cd "$app" && dotnet publish -c Release -r linux-x64 --self-contained -o "$work/out/amd64" -v q >/dev/null); t1=$(ms)
  (cd "$app" && dotnet publish -c Release -r linux-arm64 --self-contained -o "$work/out/arm64" -v q >/dev/null); t2=$(ms)
  cp "$repo/examples/dotnet-app/Dockerfile" "$work/Dockerfile"
  docker buildx build --builder default --progress quiet --platform linux/amd64,linux/arm64 \
    --build-arg BASE_IMAGE=127.0.0.1:5000/testbed/dotnet-deps:bookworm --push -t "127.0.0.1:5000/bench/hello-dotnet:$RANDOM" "$work" >/dev/null; t3=$(ms)
  native_x64+=($((t1 - t0))); native_arm64+=($((t2 - t1))); package+=($((t3 - t2)))
done

echo "emulated: dotnet publish -r linux-arm64 by the arm64 SDK under QEMU (once; minutes)"
rm -rf "$app/bin" "$app/obj/Release" "$work/out-emulated"
# The restore (package assets, not compilation) runs natively, as a cached NuGet folder would in CI.
(cd "$app" && dotnet restore -r linux-arm64 -v q >/dev/null)
t0=$(ms)
(cd "$app" && arm64_run env DOTNET_HOST_PATH="$emu/dotnet" ${EMULATED_ENV:-} \
  "$emu/dotnet" publish --no-restore -c Release -r linux-arm64 --self-contained -o "$work/out-emulated" \
    -m:1 -nodeReuse:false -p:UseSharedCompilation=false -p:CscToolPath="$emu/sdk/$sdk_version/Roslyn/bincore" -p:CscToolExe=csc -v q >"$work/emulated.log" 2>&1) \
  || { echo "the emulated publish failed:"; tail -20 "$work/emulated.log"; exit 1; }
t1=$(ms)
emulated=$((t1 - t0))
[ -x "$work/out-emulated/HelloArch" ] || { echo "the emulated publish made no app host"; exit 1; }

x64=$(printf '%s\n' "${native_x64[@]}" | median); arm=$(printf '%s\n' "${native_arm64[@]}" | median); pkg=$(printf '%s\n' "${package[@]}" | median)
pattern=$((x64 + arm + pkg)); slow=$((x64 + emulated + pkg))
echo
echo "| work ($(nproc) cores, medians of $rounds native rounds) | ms |"
echo "| --- | --- |"
echo "| dotnet publish -r linux-x64, native | $x64 |"
echo "| dotnet publish -r linux-arm64, native (cross-publish) | $arm |"
echo "| image build + push (COPY out/\${TARGETARCH}) | $pkg |"
echo "| dotnet publish -r linux-arm64 by an arm64 SDK under QEMU | $emulated |"
awk -v e="$emulated" -v a="$arm" -v s="$slow" -v p="$pattern" 'BEGIN {
  printf "\nemulated arm64 publish / native arm64 publish: %.1fx\n", e / a
  printf "whole pipeline, slow way / pattern: %.1fx (%d ms vs %d ms)\n", s / p, s, p }'
