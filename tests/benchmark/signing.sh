#!/usr/bin/env bash
# Times the recipe's Publish on examples/hello with and without signing (cosign, offline:
# --sign-tlog=false), on the test bed (tests/testbed/setup.sh). Run by hand, never in CI.
#   tests/benchmark/signing.sh [ROUNDS]
# Needs the Release addin: dotnet build src/Cake.MultiArch -c Release
set -euo pipefail
rounds="${1:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export COSIGN_PASSWORD="bench-$RANDOM-$RANDOM"
(cd "$work" && cosign generate-key-pair >/dev/null 2>&1)
export MULTIARCH_SIGN_PASSWORD="$COSIGN_PASSWORD"
unset COSIGN_PASSWORD
cd "$root"
run() { # $1: label, rest: extra arguments
  local label="$1"; shift
  for i in $(seq "$rounds"); do
    local tag="bench-$RANDOM"
    local start end
    start=$(date +%s.%N)
    dotnet cake examples/hello/build.cake --target=Publish --image="127.0.0.1:5000/examples/hello-bench:$tag" "$@" > "$work/$label-$i.log" 2>&1 || { echo "$label round $i failed:"; tail -20 "$work/$label-$i.log"; exit 1; }
    end=$(date +%s.%N)
    printf '%s\t%d\t%.1f s\n' "$label" "$i" "$(echo "$end - $start" | bc)"
  done
}
run unsigned
run signed --sign-key="$work/cosign.key" --sign-tlog=false
grep -h "MultiArch-Sign\|MultiArch-VerifySignature\|SignImage:\|VerifySignature:" "$work/signed-1.log" | head -20
