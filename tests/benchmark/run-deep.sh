#!/usr/bin/env bash
# Deep verification, second level: deep v2 against deep v1 and against download + gunzip on
# run.sh's images (50 tags × 2 platforms by default), then memory on a 512 MiB layer.
# Needs the test bed (sudo bash tests/testbed/setup.sh). Usage: bash tests/benchmark/run-deep.sh [TAGS] [ROUNDS]
set -euo pipefail
BENCH_PROJECT=Cake.MultiArch.DeepBenchmark exec bash "$(dirname "$0")/run.sh" "$@"
