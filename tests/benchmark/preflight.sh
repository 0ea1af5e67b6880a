#!/usr/bin/env bash
# Dockerfile preflight benchmark: parse + rules on a ~2,000-line Dockerfile beside one manifest
# request to the test-bed registry (127.0.0.1:5000, made by tests/testbed/setup.sh).
# Usage: bash tests/benchmark/preflight.sh [REGISTRY] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dotnet run -c Release --project "$root/tests/benchmark/Cake.MultiArch.PreflightBenchmark" -- "${1:-127.0.0.1:5000}" "${2:-50}"
