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
sysroot="$work/sysroot-arm64"
ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

if [ ! -x "$emu/dotnet" ]; then
  echo "assembling an arm64 .NET SDK $sdk_version (runtime $runtime_version) in $emu"
  packs="$work/packs"
  mkdir -p "$packs"
  cat > "$packs/packs.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Microsoft.NETCore.App.Runtime.linux-arm64" Version="[$runtime_version]" />
    <PackageDownload Include="Microsoft.NETCore.App.Host.linux-arm64" Version="[$runtime_version]" />
  </ItemGroup>
</Project>
CSPROJ
  (cd "$packs" && dotnet restore -v q >/dev/null)
  nuget=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
  rt="$nuget/microsoft.netcore.app.runtime.linux-arm64/$runtime_version/runtimes/linux-arm64"
  host="$nuget/microsoft.netcore.app.host.linux-arm64/$runtime_version/runtimes/linux-arm64/native"
  rm -rf "$emu"
  mkdir -p "$emu/host/fxr/$runtime_version" "$emu/shared/Microsoft.NETCore.App/$runtime_version"
  cp "$rt/native/libhostfxr.so" "$emu/host/fxr/$runtime_version/"
  cp "$rt/lib/net10.0/"* "$rt/native/"* "$emu/shared/Microsoft.NETCore.App/$runtime_version/"
  rm "$emu/shared/Microsoft.NETCore.App/$runtime_version/libhostfxr.so"
  sed 's/linux-x64/linux-arm64/g' "$sdk_root/shared/Microsoft.NETCore.App/$runtime_version/Microsoft.NETCore.App.deps.json" > "$emu/shared/Microsoft.NETCore.App/$runtime_version/Microsoft.NETCore.App.deps.json"
  cp -a "$sdk_root/sdk" "$sdk_root/packs" "$sdk_root/sdk-manifests" "$emu/"
  python3 - "$emu" "$host/apphost" "$sdk_version" <<'PY'
import glob, struct, sys
emu, apphost, sdk = sys.argv[1:4]
# An app host bound to an app path, as the SDK makes one: the placeholder holds the path.
def bind(dst, app):
    b = bytearray(open(apphost, 'rb').read())
    mark = b"c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"
    i = b.find(mark)
    b[i:i + len(mark)] = app.encode().ljust(len(mark), b"\0")
    open(dst, 'wb').write(b)
bind(f"{emu}/dotnet", f"sdk/{sdk}/dotnet.dll")
bind(f"{emu}/sdk/{sdk}/Roslyn/bincore/csc", "csc.dll")
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
  chmod +x "$emu/dotnet" "$emu/sdk/$sdk_version/Roslyn/bincore/csc"
fi
if [ ! -e "$sysroot/lib/ld-linux-aarch64.so.1" ]; then
  echo "making the arm64 sysroot $sysroot"
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download -qq libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64 2>&1 | grep -v unsandboxed || true)
  mkdir -p "$sysroot"
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
  rm -rf "$debs"
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
(cd "$app" && env QEMU_LD_PREFIX="$sysroot" DOTNET_ROOT="$emu" DOTNET_HOST_PATH="$emu/dotnet" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_EnableWriteXorExecute=0 ${EMULATED_ENV:-} \
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
