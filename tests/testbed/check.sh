#!/usr/bin/env bash
# Checks the test bed's builder and supply-chain parts and its arm64 .NET runtime (setup.sh makes
# them; README.md says what they are). The C# tests rely on these; setup.sh runs this at its end.
#   check.sh           quick (about a second): each part is up; exits 1 naming what is missing
#   check.sh --prove   also runs each part end to end (about half a minute): a two-node remote
#                      builder and a docker-container builder (stand-in image) build two platforms
#                      and push by digest (the second with a mode=max registry cache), cosign signs
#                      (recursive) and verifies offline, and an SBOM build gives one SPDX
#                      attestation per platform. Builders and keys it makes are removed at the end.
set -uo pipefail
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
TESTBED_REGISTRY=${TESTBED_REGISTRY:-127.0.0.1:5000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILDKIT_PROXY_ADDRS="127.0.0.1:1234 127.0.0.1:1235"
STANDIN_IMAGE=cake-multiarch/buildkit:engine
SBOM_SCANNER="$TESTBED_REGISTRY/cake-multiarch/sbom-scanner:1"
BASE_IMAGE="$TESTBED_REGISTRY/testbed/busybox:1"

missing=()
ok() { printf 'check: ok      %s\n' "$*"; }
bad() { printf 'check: MISSING %s: %s\n' "$1" "$2"; missing+=("$1"); }   # bad PART DETAIL

# The registry (the engine block of setup.sh).
if curl -sf "http://$TESTBED_REGISTRY/v2/" >/dev/null 2>&1; then ok "registry: http://$TESTBED_REGISTRY"
else bad registry "nothing answers on http://$TESTBED_REGISTRY/v2/"; fi

# The arm64 .NET runtime and sysroot for arm64-cake.sh (step 5 of setup.sh).
arm64_dotnet="$TESTBED/bench-dotnet/dotnet-arm64"
if ls "$arm64_dotnet"/shared/Microsoft.NETCore.App/*/libcoreclr.so >/dev/null 2>&1 && [ -e "$TESTBED/bench-dotnet/sysroot-arm64/lib/ld-linux-aarch64.so.1" ]; then
  ok "arm64 .NET runtime: $arm64_dotnet ($(ls "$arm64_dotnet/shared/Microsoft.NETCore.App" | sort -V | tail -1))"
else bad "arm64 .NET runtime" "no $arm64_dotnet with a sysroot beside it (setup.sh step 5)"; fi

# The BuildKit proxy: the engine's BuildKit answers through each port (HTTP/2 SETTINGS frame).
for addr in $BUILDKIT_PROXY_ADDRS; do
  if out=$(perl "$here/buildkit-proxy.pl" --check "$addr" 2>&1); then ok "buildkit-proxy: tcp://$addr (pid $(cat "$TESTBED/buildkit-proxy.pid" 2>/dev/null || echo '?'))"
  else bad "buildkit-proxy tcp://$addr" "${out#buildkit-proxy: }"; fi
done

# The stand-in builder image in the engine's store.
if ep=$(docker image inspect -f '{{join .Config.Entrypoint " "}}' "$STANDIN_IMAGE" 2>/dev/null) && [ "$ep" = /usr/bin/buildkitd ]; then
  ok "stand-in image: $STANDIN_IMAGE (engine's store)"
else bad "stand-in image" "$STANDIN_IMAGE is not in the engine's store (or not ours)"; fi

# cosign (required) and oras (installed when Debian trixie has it).
if command -v cosign >/dev/null 2>&1 && cosign version >/dev/null 2>&1; then
  ok "cosign: $(command -v cosign) $(dpkg-query -W -f='${Version}' cosign 2>/dev/null)"
else bad cosign "not installed or does not run"; fi
if command -v oras >/dev/null 2>&1; then ok "oras: $(command -v oras) $(oras version 2>/dev/null | awk '/^Version:/{print $2}')"
else printf 'check: note    oras: not installed (optional: only when Debian trixie has it)\n'; fi

# The SBOM scanner image: an index with linux/amd64 and linux/arm64 in the registry.
repo=${SBOM_SCANNER#"$TESTBED_REGISTRY"/}; repo=${repo%:*}
plats=$(curl -sf -H 'Accept: application/vnd.oci.image.index.v1+json' \
  "http://$TESTBED_REGISTRY/v2/$repo/manifests/${SBOM_SCANNER##*:}" 2>/dev/null \
  | jq -r '[.manifests[]?.platform | "\(.os)/\(.architecture)"] | sort | join(",")' 2>/dev/null)
if [ "$plats" = "linux/amd64,linux/arm64" ]; then ok "sbom scanner: $SBOM_SCANNER ($plats)"
else bad "sbom scanner" "$SBOM_SCANNER is not in the registry with linux/amd64 and linux/arm64"; fi

if [ "${1:-}" != --prove ]; then
  if [ ${#missing[@]} -gt 0 ]; then (IFS=','; echo "check: missing: ${missing[*]} (run tests/testbed/setup.sh as root)"); exit 1; fi
  exit 0
fi
[ ${#missing[@]} -eq 0 ] || { echo "check: missing: ${missing[*]}; not proving"; exit 1; }

# ---------------------------------------------------------------------------------------------
# --prove: each part end to end, with names of its own (several people share these machines).
id="prove-$$"
work=$(mktemp -d)
cleanup() {
  docker buildx rm "tb-$id-remote" >/dev/null 2>&1
  docker buildx rm "tb-$id-dc" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check: FAILED  $*"; exit 1; }
q() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" | tail -20; return 1; }; }   # quiet unless it fails
step() { printf 'check: prove   %s\n' "$*"; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
printf 'FROM %s\nARG TARGETARCH\nRUN echo "%s $TARGETARCH $(uname -m)" > /built\n' "$BASE_IMAGE" "$id" > "$work/Dockerfile"
platforms_of() {   # REF@DIGEST -> "linux/amd64,linux/arm64" (attestation manifests left out)
  docker buildx imagetools inspect --raw "$1" | jq -r '[.manifests[] | select(.platform.os != "unknown") | "\(.platform.os)/\(.platform.architecture)"] | sort | join(",")'
}

t=$(now)
step "remote builder tb-$id-remote: nodes tcp://127.0.0.1:1234 (linux/amd64) and tcp://127.0.0.1:1235 (linux/arm64)"
q docker buildx create --name "tb-$id-remote" --node "tb-$id-amd64" --platform linux/amd64 --driver remote tcp://127.0.0.1:1234 || fail "remote builder: create"
q docker buildx create --name "tb-$id-remote" --append --node "tb-$id-arm64" --platform linux/arm64 --driver remote tcp://127.0.0.1:1235 --bootstrap || fail "remote builder: append"
[ "$(docker buildx inspect "tb-$id-remote" | grep -c '^Status: *running')" = 2 ] || fail "remote builder: both nodes running"
docker buildx build --builder "tb-$id-remote" --progress quiet --platform linux/amd64,linux/arm64 \
  --output "type=image,name=$TESTBED_REGISTRY/testbed-prove/remote,push-by-digest=true,name-canonical=true,push=true" \
  --metadata-file "$work/remote.json" "$work" >/dev/null || fail "remote builder: two-platform build pushed by digest"
digest=$(jq -r '."containerimage.digest"' "$work/remote.json")
[ "$(platforms_of "$TESTBED_REGISTRY/testbed-prove/remote@$digest")" = linux/amd64,linux/arm64 ] || fail "remote builder: pushed index $digest lacks a platform"
q docker buildx rm "tb-$id-remote" || fail "remote builder: rm"
step "remote builder: ok, pushed $TESTBED_REGISTRY/testbed-prove/remote@$digest ($(took "$t"))"

t=$(now)
step "docker-container builder tb-$id-dc with --driver-opt image=$STANDIN_IMAGE,network=host (stand-in buildkitd)"
q docker buildx create --name "tb-$id-dc" --driver docker-container --driver-opt "image=$STANDIN_IMAGE,network=host" --bootstrap || fail "docker-container builder: create --bootstrap"
docker buildx build --builder "tb-$id-dc" --progress quiet --platform linux/amd64,linux/arm64 \
  --output "type=image,name=$TESTBED_REGISTRY/testbed-prove/dc,push-by-digest=true,name-canonical=true,push=true" \
  --cache-to "type=registry,ref=$TESTBED_REGISTRY/testbed-prove/dc-cache:$id,mode=max" \
  --metadata-file "$work/dc.json" "$work" >/dev/null || fail "docker-container builder: build with push by digest and a registry cache"
digest=$(jq -r '."containerimage.digest"' "$work/dc.json")
signed="$TESTBED_REGISTRY/testbed-prove/dc@$digest"
[ "$(platforms_of "$signed")" = linux/amd64,linux/arm64 ] || fail "docker-container builder: pushed index $digest lacks a platform"
jq -e '."cache.manifest"' "$work/dc.json" >/dev/null || fail "docker-container builder: no cache manifest in the metadata"
q docker buildx rm "tb-$id-dc" || fail "docker-container builder: rm"
step "docker-container builder: ok, pushed $signed and cache $TESTBED_REGISTRY/testbed-prove/dc-cache:$id ($(took "$t"))"

t=$(now)
step "cosign: key pair, sign --recursive, verify (offline: no transparency log)"
export COSIGN_PASSWORD="tb-$id-$RANDOM$RANDOM"
(cd "$work" && cosign generate-key-pair >/dev/null 2>&1) || fail "cosign: generate-key-pair"
q cosign sign --recursive --tlog-upload=false --allow-insecure-registry --yes --key "$work/cosign.key" "$signed" || fail "cosign: sign --recursive $signed"
for ref in "$signed" $(docker buildx imagetools inspect --raw "$signed" | jq -r --arg r "${signed%@*}" '.manifests[] | select(.platform.os != "unknown") | "\($r)@\(.digest)"'); do
  q cosign verify --insecure-ignore-tlog --allow-insecure-registry --key "$work/cosign.pub" "$ref" || fail "cosign: verify $ref"
done
mkdir "$work/other" && (cd "$work/other" && cosign generate-key-pair >/dev/null 2>&1)
if cosign verify --insecure-ignore-tlog --allow-insecure-registry --key "$work/other/cosign.pub" "$signed" >/dev/null 2>&1; then
  fail "cosign: a signature verified with another key"
fi
unset COSIGN_PASSWORD
step "cosign: ok, the index and both platform manifests verify; another key does not ($(took "$t"))"

t=$(now)
step "SBOM: --sbom=generator=$SBOM_SCANNER --provenance=mode=max, two platforms"
docker buildx build --builder default --progress quiet --platform linux/amd64,linux/arm64 \
  --sbom="generator=$SBOM_SCANNER" --provenance=mode=max \
  --tag "$TESTBED_REGISTRY/testbed-prove/sbom:$id" --push "$work" >/dev/null || fail "SBOM: build"
sboms=$(docker buildx imagetools inspect "$TESTBED_REGISTRY/testbed-prove/sbom:$id" --format '{{json .SBOM}}' \
  | jq -r '[to_entries[] | select(.value.SPDX.spdxVersion != null) | .key] | sort | join(",")')
[ "$sboms" = linux/amd64,linux/arm64 ] || fail "SBOM: one SPDX document per platform (got: ${sboms:-none})"
step "SBOM: ok, SPDX attestations for $sboms ($(took "$t"))"
echo "check: proved"
