# Sourced by the benchmarks that run .NET as arm64 under QEMU (dotnet-app.sh, r2r-arm64.sh); not run
# on its own. No arm64 .NET image or SDK can be pulled here, so an arm64 runtime is assembled from
# NuGet (the Microsoft.NETCore.App runtime and host packs for linux-arm64, the version of this
# machine's own runtime) and an arm64 sysroot of Debian's libc6, libgcc-s1, libstdc++6, libssl3,
# zlib1g (apt-get download). Programs run through the registered qemu-aarch64 binfmt handler with
# QEMU_LD_PREFIX=<sysroot> (see arm64_env). Everything is cached in the folder given, and reused.
# The packs carry no `dotnet` muxer: an arm64 app host bound to the app's DLL (arm64_apphost) starts
# it, finding the runtime through DOTNET_ROOT as the muxer would.

# arm64_runtime WORK: $WORK/dotnet-arm64 holds host/fxr/<v> and shared/Microsoft.NETCore.App/<v>
# (arm64), $WORK/sysroot-arm64 the sysroot. Sets arm64_root, arm64_sysroot, arm64_runtime_version,
# arm64_apphost_template.
arm64_runtime() {
  local work=$1
  arm64_root="$work/dotnet-arm64"
  arm64_sysroot="$work/sysroot-arm64"
  arm64_runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {print $2}' | sort -V | tail -1)
  local v=$arm64_runtime_version
  local sdk_root nuget rt host
  sdk_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  nuget=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
  rt="$nuget/microsoft.netcore.app.runtime.linux-arm64/$v/runtimes/linux-arm64"
  host="$nuget/microsoft.netcore.app.host.linux-arm64/$v/runtimes/linux-arm64/native"
  arm64_apphost_template="$host/apphost"
  mkdir -p "$work"
  if [ ! -f "$rt/native/libcoreclr.so" ] || [ ! -f "$host/apphost" ]; then
    local packs="$work/packs"
    mkdir -p "$packs"
    cat > "$packs/packs.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Microsoft.NETCore.App.Runtime.linux-arm64" Version="[$v]" />
    <PackageDownload Include="Microsoft.NETCore.App.Host.linux-arm64" Version="[$v]" />
  </ItemGroup>
</Project>
CSPROJ
    # An empty Directory.Build.props/.targets above the project keeps a checkout's own out of it.
    printf '<Project></Project>\n' > "$work/Directory.Build.props"; cp "$work/Directory.Build.props" "$work/Directory.Build.targets"
    (cd "$packs" && dotnet restore -v q >/dev/null)
  fi
  if [ ! -f "$arm64_root/shared/Microsoft.NETCore.App/$v/libcoreclr.so" ] || [ ! -f "$arm64_root/host/fxr/$v/libhostfxr.so" ]; then
    echo "assembling an arm64 .NET runtime $v in $arm64_root"
    rm -rf "$arm64_root/host" "$arm64_root/shared"
    mkdir -p "$arm64_root/host/fxr/$v" "$arm64_root/shared/Microsoft.NETCore.App/$v"
    cp "$rt/native/libhostfxr.so" "$arm64_root/host/fxr/$v/"
    cp "$rt/lib/net10.0/"* "$rt/native/"* "$arm64_root/shared/Microsoft.NETCore.App/$v/"
    rm "$arm64_root/shared/Microsoft.NETCore.App/$v/libhostfxr.so"
    sed 's/linux-x64/linux-arm64/g' "$sdk_root/shared/Microsoft.NETCore.App/$v/Microsoft.NETCore.App.deps.json" \
      > "$arm64_root/shared/Microsoft.NETCore.App/$v/Microsoft.NETCore.App.deps.json"
  fi
  if [ ! -e "$arm64_sysroot/lib/ld-linux-aarch64.so.1" ]; then
    echo "making the arm64 sysroot $arm64_sysroot"
    local debs deb
    debs=$(mktemp -d)
    (cd "$debs" && apt-get download -qq libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libssl3:arm64 zlib1g:arm64 2>&1 | grep -v unsandboxed || true)
    mkdir -p "$arm64_sysroot"
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$arm64_sysroot"; done
    rm -rf "$debs"
  fi
}

# arm64_apphost DST APP: an arm64 app host at DST bound to APP, a path relative to DST's folder
# (as the SDK makes one: the placeholder in the host holds the path). Needs arm64_runtime first.
arm64_apphost() {
  python3 - "$arm64_apphost_template" "$1" "$2" <<'PY'
import sys
apphost, dst, app = sys.argv[1:4]
b = bytearray(open(apphost, 'rb').read())
mark = b"c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"
i = b.find(mark)
b[i:i + len(mark)] = app.encode().ljust(len(mark), b"\0")
open(dst, 'wb').write(b)
PY
  chmod +x "$1"
}

# arm64_run COMMAND…: runs an arm64 .NET program under QEMU. No ICU in the sysroot, so globalization
# is invariant; W^X is off (DOTNET_EnableWriteXorExecute=0): .NET's double-mapped code pages make
# QEMU run stale translations (seen here: crashes in JIT-compiled regex code), as Microsoft advises
# for .NET under QEMU user emulation.
arm64_run() {
  env QEMU_LD_PREFIX="$arm64_sysroot" DOTNET_ROOT="$arm64_root" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_EnableWriteXorExecute=0 "$@"
}

# cake_tool_dir ROOT: sets cake_version (ROOT's .config/dotnet-tools.json) and cake_tool, that
# Cake.Tool's folder in the NuGet cache, whose Cake.dll runs natively or under arm64_run.
cake_tool_dir() {
  cake_version=$(jq -r '.tools["cake.tool"].version' "$1/.config/dotnet-tools.json")
  cake_tool="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //;s:/*$::')/cake.tool/$cake_version/tools/net10.0/any"
  [ -f "$cake_tool/Cake.dll" ] || { echo "Cake.Tool $cake_version is not in the NuGet cache ($cake_tool): run dotnet tool restore"; return 1; }
}
