#!/usr/bin/env bash
# Engine benchmark (run by hand, not in CI; root, after tests/testbed/setup.sh and the Release
# build of the addin: dotnet cake build/build.cake --target=Pack). One run prints:
#   1. a cold two-platform build whose RUN step hashes MB megabytes with busybox (about 2 s of
#      CPU on amd64): amd64 against arm64 (QEMU), as wall time of the step (from the build log)
#      and CPU time of the step (busybox time inside the RUN), i.e. the emulation factor;
#   2. the rebuild after `docker buildx prune -af` with the registry cache (mode=max), as a
#      share of the cold build's time (target <= 10 %);
#   3. the addin's own cost: `dotnet cake --target=Publish` (BuildxBuild with push, then
#      VerifyManifest) of an unchanged, cached image, less Cake's own start-up (the same script
#      with an empty target), against the bare commands in a shell (docker buildx build --push,
#      then docker buildx imagetools inspect) (target: the addin adds <= 10 %).
# Medians of ROUNDS rounds (ADDIN_ROUNDS for part 3, default max(ROUNDS, 5)).
# Usage: bash tests/benchmark/engine.sh [ROUNDS] [MB]
# Note: `docker buildx prune -af` empties the default builder's whole build cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
mb=${2:-400}
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
addin="$root/src/Cake.MultiArch/bin/Release/net10.0/Cake.MultiArch.dll"
[ -f "$addin" ] || { echo "build the addin first: dotnet cake build/build.cake --target=Pack ($addin is missing)"; exit 1; }
work=$(mktemp -d)
suffix=$$
# The test bed's persistent registry (tests/testbed/setup.sh), in a repository of this run's own.
registry=${TESTBED_REGISTRY:-127.0.0.1:5000}
curl -sf "http://$registry/v2/" >/dev/null || { echo "the test bed's registry does not answer at $registry: run tests/testbed/setup.sh"; exit 1; }
reg="$registry/engine-bench-$suffix"
cleanup() {
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$reg/" | xargs -r docker image rm -f >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

ctx="$work/ctx"
mkdir -p "$ctx/amd64" "$ctx/arm64"
cp /bin/busybox "$ctx/amd64/busybox"
cp "$TESTBED/arm64/bin/busybox" "$ctx/arm64/busybox"
# TOKEN makes each round's RUN step new to every cache; busybox time prints the step's CPU seconds.
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
ARG TARGETARCH
COPY \${TARGETARCH}/busybox /bin/busybox
ARG TOKEN
RUN ["/bin/busybox", "sh", "-c", "echo \$TOKEN > /token; echo machine \$(/bin/busybox uname -m); /bin/busybox time -f 'cpu-seconds %U %S' /bin/busybox sh -c '/bin/busybox dd if=/dev/zero bs=1M count=$mb 2>/dev/null | /bin/busybox sha256sum > /sum'"]
DOCKERFILE

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# The RUN step's "#N DONE 2.3s" for a machine (x86_64, aarch64). This engine's log names both
# platforms' steps "[2/2] RUN", so the step prints "machine $(uname -m)" to tell them apart.
step_id() { grep -E "^#[0-9]+ [0-9.]+ machine $2\$" "$1" | head -1 | cut -d' ' -f1; }
step_seconds() { grep -E "^$(step_id "$1" "$2") DONE " "$1" | head -1 | awk '{print $3}' | tr -d s; }
step_cpu() { grep -E "^$(step_id "$1" "$2") [0-9.]+ cpu-seconds " "$1" | head -1 | awk '{print $4 + $5}'; }
build() { # build LOG TOKEN extra-args…
  local log=$1 token=$2; shift 2
  docker buildx build --builder default --progress plain --platform linux/amd64,linux/arm64 \
    --build-arg "TOKEN=$token" --tag "$reg/app:$token" --push "$@" "$ctx" >"$log" 2>&1 || { cat "$log"; exit 1; }
}

echo "engine benchmark: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $mb MB hashed per platform, $rounds rounds"

cold=(); warm=(); floor=(); amd_wall=(); arm_wall=(); amd_cpu=(); arm_cpu=()
for r in $(seq 1 "$rounds"); do
  token="r$r-$suffix-$RANDOM"
  cache="$reg/cache:$token"
  t0=$(now); build "$work/cold-$r.log" "$token" --cache-to "type=registry,ref=$cache,mode=max"; t1=$(now)
  cold+=("$(ms "$t0" "$t1")")
  amd_wall+=("$(step_seconds "$work/cold-$r.log" x86_64)"); arm_wall+=("$(step_seconds "$work/cold-$r.log" aarch64)")
  amd_cpu+=("$(step_cpu "$work/cold-$r.log" x86_64)"); arm_cpu+=("$(step_cpu "$work/cold-$r.log" aarch64)")
  docker buildx prune --builder default -af >/dev/null
  t0=$(now); build "$work/warm-$r.log" "$token" --cache-from "type=registry,ref=$cache"; t1=$(now)
  warm+=("$(ms "$t0" "$t1")")
  cached=$(grep -cE '^#[0-9]+ CACHED' "$work/warm-$r.log" || true)
  t0=$(now); build "$work/floor-$r.log" "$token"; t1=$(now)
  floor+=("$(ms "$t0" "$t1")")
  echo "round $r: cold ${cold[-1]} ms (RUN amd64 ${amd_wall[-1]} s wall / ${amd_cpu[-1]} s cpu, arm64 ${arm_wall[-1]} s / ${arm_cpu[-1]} s), after prune with the registry cache ${warm[-1]} ms ($cached steps CACHED), again with everything local ${floor[-1]} ms"
done
fmed() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
m_cold=$(median "${cold[@]}"); m_warm=$(median "${warm[@]}"); m_floor=$(median "${floor[@]}")
m_amd_wall=$(fmed "${amd_wall[@]}"); m_arm_wall=$(fmed "${arm_wall[@]}")
m_amd_cpu=$(fmed "${amd_cpu[@]}"); m_arm_cpu=$(fmed "${arm_cpu[@]}")

# 3. The addin's own cost on an unchanged, cached image.
token="steady-$suffix"
build "$work/steady.log" "$token"
cat > "$work/bench.cake" <<CAKE
#r "$addin"
var image = "$reg/app:$token";
Task("Empty").Does(() => { });
Task("Publish").Does(() =>
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    var result = BuildxBuild("$ctx", s => s
        .WithBuilder("default")
        .WithPlatform("linux/amd64", "linux/arm64")
        .WithBuildArg("TOKEN", "$token")
        .WithTag(image)
        .WithPush());
    var settings = new VerifyManifestSettings();
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/amd64"));
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/arm64"));
    VerifyManifest(result, settings);
    Information("ADDIN_MS=" + watch.ElapsedMilliseconds);
    // The same again in the same process: the steady cost, without first-call JIT and set-up.
    watch.Restart();
    VerifyManifest(BuildxBuild("$ctx", s => s
        .WithBuilder("default")
        .WithPlatform("linux/amd64", "linux/arm64")
        .WithBuildArg("TOKEN", "$token")
        .WithTag(image)
        .WithPush()), settings);
    Information("AGAIN_MS=" + watch.ElapsedMilliseconds);
});
RunTarget(Argument("target", "Empty"));
CAKE
bare=(); cake=(); empty=(); inside=(); again=()
addin_rounds=${ADDIN_ROUNDS:-$(( rounds < 5 ? 5 : rounds ))}
cd "$root"
dotnet tool restore >/dev/null
for r in $(seq 1 "$addin_rounds"); do
  t0=$(now)
  docker buildx build --builder default --platform linux/amd64,linux/arm64 --build-arg "TOKEN=$token" --tag "$reg/app:$token" --push "$ctx" >"$work/bare.log" 2>&1
  docker buildx imagetools inspect "$reg/app:$token" >>"$work/bare.log" 2>&1
  t1=$(now); bare+=("$(ms "$t0" "$t1")")
  t0=$(now); dotnet cake "$work/bench.cake" --target=Empty >"$work/empty.log" 2>&1 || { cat "$work/empty.log"; exit 1; }; t1=$(now); empty+=("$(ms "$t0" "$t1")")
  t0=$(now); dotnet cake "$work/bench.cake" --target=Publish >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }; t1=$(now); cake+=("$(ms "$t0" "$t1")")
  inside+=("$(grep -oE 'ADDIN_MS=[0-9]+' "$work/publish.log" | cut -d= -f2)")
  again+=("$(grep -oE 'AGAIN_MS=[0-9]+' "$work/publish.log" | cut -d= -f2)")
  echo "round $r: bare ${bare[-1]} ms, dotnet cake Publish ${cake[-1]} ms, dotnet cake Empty ${empty[-1]} ms, BuildxBuild + VerifyManifest inside Cake ${inside[-1]} ms (again: ${again[-1]} ms)"
done
m_bare=$(median "${bare[@]}"); m_cake=$(median "${cake[@]}"); m_empty=$(median "${empty[@]}")
m_addin=$(( m_cake - m_empty )); m_inside=$(median "${inside[@]}"); m_again=$(median "${again[@]}")

echo
echo "| measure | median |"
echo "| --- | --- |"
echo "| cold two-platform build (RUN hashes $mb MB per platform) | $m_cold ms |"
echo "| its RUN step, amd64 (native): wall / cpu | $m_amd_wall s / $m_amd_cpu s |"
echo "| its RUN step, arm64 (QEMU): wall / cpu | $m_arm_wall s / $m_arm_cpu s |"
echo "| emulation factor arm64 / amd64: wall / cpu | $(ratio "$m_arm_wall" "$m_amd_wall")x / $(ratio "$m_arm_cpu" "$m_amd_cpu")x |"
echo "| rebuild after prune -af with the registry cache | $m_warm ms = $(awk -v a="$m_warm" -v b="$m_cold" 'BEGIN {printf "%.1f", 100 * a / b}') % of cold |"
echo "| the same build again, everything local (a build's fixed cost) | $m_floor ms |"
echo "| the cache's share of the step work: (rebuild - local) / (cold - local) | $(awk -v a="$m_warm" -v b="$m_cold" -v f="$m_floor" 'BEGIN {printf "%.1f", 100 * (a - f) / (b - f)}') % |"
echo "| bare: buildx build --push + imagetools inspect (cached) | $m_bare ms |"
echo "| dotnet cake --target=Publish (BuildxBuild + VerifyManifest) | $m_cake ms |"
echo "| dotnet cake --target=Empty (Cake start-up + script compile) | $m_empty ms |"
echo "| the addin's work (Publish - Empty) | $m_addin ms = $(ratio "$m_addin" "$m_bare")x the bare commands |"
echo "| BuildxBuild + VerifyManifest timed inside the Cake process, first call | $m_inside ms = $(ratio "$m_inside" "$m_bare")x the bare commands |"
echo "| the same, second call in the same process (steady cost) | $m_again ms = $(ratio "$m_again" "$m_bare")x the bare commands |"
