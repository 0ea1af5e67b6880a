#!/usr/bin/env bash
# Publishing benchmark: merge + promote IMAGES × 2 platforms with the addin vs
# `docker buildx imagetools create`, against a local docker-registry.
# Needs the test bed (sudo bash tests/testbed/setup.sh). Usage: bash tests/benchmark/publish.sh [IMAGES] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
images=${1:-20}
rounds=${2:-3}
work=$(mktemp -d)
cleanup() {
  [ -n "${registry_pid:-}" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

. "$root/tests/benchmark/registry.sh"
mkdir -p "$work/docker-config"
DOCKER_CONFIG="$work/docker-config" dotnet run -c Release --project "$root/tests/benchmark/Cake.MultiArch.PublishBenchmark" -- "127.0.0.1:$port" "$images" "$rounds"
