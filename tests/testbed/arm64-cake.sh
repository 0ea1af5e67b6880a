#!/usr/bin/env bash
# Runs Cake.Tool's own Cake.dll as an arm64 process: the arm64 .NET runtime that setup.sh assembles
# (tests/benchmark/arm64-dotnet.sh, in $TESTBED/bench-dotnet) under QEMU user emulation, through the
# qemu-aarch64 binfmt handler setup.sh registers. What an arm64 runner's `dotnet cake` does, on this
# x64 machine: PackageTests installs the package with it (the arm64 copy must load), and
# tests/benchmark/r2r-arm64.sh uses it. Slow (Cake and Roslyn JIT-compiled under QEMU: about a minute).
# Usage: bash tests/testbed/arm64-cake.sh SCRIPT [CAKE ARGUMENTS…]    (runs in SCRIPT's folder)
# Exits 3, saying what is missing, when the handler or the runtime is not there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
work=${WORK:-$TESTBED/bench-dotnet}
[ $# -ge 1 ] || { echo "usage: arm64-cake.sh SCRIPT [CAKE ARGUMENTS…]"; exit 2; }
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "no qemu-aarch64 binfmt handler: run tests/testbed/setup.sh"; exit 3; }
[ -f "$work/dotnet-arm64/host/fxr/$(ls "$work/dotnet-arm64/host/fxr" 2>/dev/null | sort -V | tail -1)/libhostfxr.so" ] \
  || { echo "no arm64 .NET runtime in $work/dotnet-arm64: run tests/testbed/setup.sh"; exit 3; }
source "$root/tests/benchmark/arm64-dotnet.sh"
cake_tool_dir "$root" || exit 3
arm64_runtime "$work" >&2
# A copy of the tool's folder with an arm64 app host bound to Cake.dll, made once per Cake version.
host="$work/cake-$cake_version-arm64"
if [ ! -x "$host/Cake" ]; then
  rm -rf "$host.tmp"; cp -r "$cake_tool" "$host.tmp"
  arm64_apphost "$host.tmp/Cake" Cake.dll
  mv "$host.tmp" "$host"
fi
script=$(readlink -f "$1"); shift
cd "$(dirname "$script")"
arm64_run "$host/Cake" "$script" "$@"
