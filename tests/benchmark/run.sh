#!/usr/bin/env bash
# VerifyManifest benchmark: 50 tags × 2 platforms in a local registry (50 distinct images that
# share their layers, as a release's builds do), shallow and deep, beside
# a `docker manifest inspect` loop, a `skopeo inspect --raw` loop and a plain download + gunzip.
# Needs the test bed (sudo bash tests/testbed/setup.sh). Usage: bash tests/benchmark/run.sh [TAGS] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tags=${1:-50}
rounds=${2:-3}
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
work=$(mktemp -d)
suffix=$$
cleanup() {
  [ -n "${registry_pid:-}" ] && kill "$registry_pid" 2>/dev/null || true
  podman rmi -f "localhost/cma-bench-$suffix:amd64" "localhost/cma-bench-$suffix:arm64" >/dev/null 2>&1 || true
  podman manifest rm "localhost/cma-bench-list-$suffix" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/tests/benchmark/registry.sh"

# Two rootfs: busybox for each architecture plus ~8 MiB of text (compressible, like a real layer).
for arch in amd64 arm64; do
  mkdir -p "$work/rootfs-$arch/bin" "$work/rootfs-$arch/usr/share/doc"
  if [ "$arch" = amd64 ]; then cp /bin/busybox "$work/rootfs-$arch/bin/"; else cp "$TESTBED/arm64/bin/busybox" "$work/rootfs-$arch/bin/"; fi
  (set +o pipefail; find /usr/share/doc /usr/share/common-licenses -type f ! -name '*.gz' 2>/dev/null | head -4000 | xargs cat 2>/dev/null | head -c 8388608 > "$work/rootfs-$arch/usr/share/doc/text")
  tar -C "$work/rootfs-$arch" -cf "$work/$arch.tar" .
  podman import --arch "$arch" "$work/$arch.tar" "localhost/cma-bench-$suffix:$arch" >/dev/null
done
podman manifest create "localhost/cma-bench-list-$suffix" >/dev/null
podman manifest add "localhost/cma-bench-list-$suffix" "containers-storage:localhost/cma-bench-$suffix:amd64" >/dev/null
podman manifest add "localhost/cma-bench-list-$suffix" "containers-storage:localhost/cma-bench-$suffix:arm64" >/dev/null
podman manifest push --tls-verify=false --all "localhost/cma-bench-list-$suffix" "docker://127.0.0.1:$port/bench/app:t0" >/dev/null 2>&1

# BENCH_PROJECT picks the program run on these images (run-deep.sh: Cake.MultiArch.DeepBenchmark).
dotnet run -c Release --project "$root/tests/benchmark/${BENCH_PROJECT:-Cake.MultiArch.Benchmark}" -- "127.0.0.1:$port" bench/app "$tags" "$rounds"
