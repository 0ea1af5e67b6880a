#!/usr/bin/env bash
# Engine benchmark (run by hand, not in CI; root, after tests/testbed/setup.sh and the Release
# build of the addin: dotnet cake build/build.cake --target=Pack). One run prints:
#   1. a cold two-platform build whose RUN step hashes MB megabytes with busybox (about 2 s of
#      CPU on amd64): amd64 against arm64 (QEMU), as wall time of the step (from the build log)
#      and CPU time of the step (busybox time inside the RUN), i.e. the emulation factor;
#   2. the rebuild after `docker buildx prune -af` with the registry cache (mode=max), as a
#      share of the cold build's time (target <= 10 %);
#   3. the addin's own cost on an unchanged, cached image, against the bare commands in a shell
#      (docker buildx build --push, then docker buildx imagetools inspect), each a cold process:
#      a. `dotnet cake --target=Publish` (one BuildxBuild with push, then VerifyManifest) less
#         Cake's own start-up (the same script with an empty target) (target <= 1.10x);
#      b. with Cake's script cache on (CAKE_SETTINGS_ENABLESCRIPTCACHE=true, filled before the
#         rounds), the whole Publish run against the least it could be: the bare commands plus
#         the same script's empty target, cache on (target <= 1.10x);
#      c. the two calls timed inside one Cake process: the first (JIT and set-up) and the second;
#      d. Cake's own floor: the same bare commands run by the script (StartProcess, no addin), as a
#         and b measure Publish (less Empty; with the script cache, against bare + Empty): what
#         running that work from a Cake script costs before any addin code runs;
#      (a and d are also given from each process's script start to its end: Cake's start and the
#      script's compile, 3-4 s that Publish and Empty share, vary by +-0.7 s between rounds and
#      drown a difference of about 0.7 s; the script prints SCRIPT_START_MS as it starts)
#      e. the bare commands as buildx's own binary (docker-buildx build …, docker-buildx imagetools
#         inspect), the way the aliases run buildx: what the docker CLI in front of buildx costs.
#      f. where a script-cached Publish goes against Empty and the bare commands (ACCOUNT_ROUNDS
#         more rounds): Cake's start, the task, the time to buildx starting, buildx (through a
#         timing wrapper), the verification and the exit, each a median.
# Medians of ROUNDS rounds (ADDIN_ROUNDS for part 3, default max(ROUNDS, 5)).
# Usage: bash tests/benchmark/engine.sh [ROUNDS] [MB]     (ENGINE_PARTS=3: part 3 only)
# Note: `docker buildx prune -af` empties the default builder's whole build cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3}
mb=${2:-400}
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
# The package from artifacts/ as users install it, or ADDIN=…/Cake.MultiArch.dll (tests/benchmark/addin-directive.sh).
source "$root/tests/benchmark/addin-directive.sh"
addin_directive_for "$root"
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
[ "${ENGINE_PARTS:-123}" = 3 ] && rounds12=0 || rounds12=$rounds
for r in $(seq 1 "$rounds12"); do
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
if [ "$rounds12" -gt 0 ]; then
m_cold=$(median "${cold[@]}"); m_warm=$(median "${warm[@]}"); m_floor=$(median "${floor[@]}")
m_amd_wall=$(fmed "${amd_wall[@]}"); m_arm_wall=$(fmed "${arm_wall[@]}")
m_amd_cpu=$(fmed "${amd_cpu[@]}"); m_arm_cpu=$(fmed "${arm_cpu[@]}")
fi

# 3. The addin's own cost on an unchanged, cached image.
token="steady-$suffix"
build "$work/steady.log" "$token"
# One script, three targets: Empty (Cake's start and the script's compile only), Publish (one
# BuildxBuild + VerifyManifest, as a user's run does) and Twice (the same twice, timed inside the
# process: the first call with its JIT and set-up, then the steady cost).
cat > "$work/bench.cake" <<CAKE
$addin_directive
// Which copy Cake loaded (the package's runtimes/RID/lib folder for this machine, or lib/).
System.Console.WriteLine("ADDIN_FILE=" + typeof(Platform).Assembly.Location);
// When the compiled script starts to run: the part of the process after Cake's start and the
// script's compile (the shell takes the process's end; see "after the script starts" below).
System.Console.WriteLine("SCRIPT_START_MS=" + System.DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
var image = "$reg/app:$token";
BuildxBuildResult Build() => BuildxBuild("$ctx", s => s
    .WithBuilder("default")
    .WithPlatform("linux/amd64", "linux/arm64")
    .WithBuildArg("TOKEN", "$token")
    .WithTag(image)
    .WithPush());
VerifyManifestSettings Expect()
{
    var settings = new VerifyManifestSettings();
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/amd64"));
    settings.ExpectedPlatforms.Add(Platform.Parse("linux/arm64"));
    return settings;
}
Task("Empty").Does(() => { });
// The bare commands run by Cake itself (no addin): what any Publish-length run costs in this process.
Task("Shell").Does(() =>
{
    foreach (var arguments in new[] { "buildx build --builder default --platform linux/amd64,linux/arm64 --build-arg TOKEN=$token --tag " + image + " --push $ctx", "buildx imagetools inspect " + image })
    {
        var code = StartProcess("docker", arguments);
        if (code != 0) throw new Exception("docker " + arguments + " exited with " + code);
    }
});
// TASK_MS and VERIFIED_MS: the marks of the accounting below (two lines of output, well under a millisecond).
Task("Publish").Does(() =>
{
    System.Console.WriteLine("TASK_MS=" + System.DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    VerifyManifest(Build(), Expect());
    System.Console.WriteLine("VERIFIED_MS=" + System.DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
});
Task("Twice").Does(() =>
{
    var watch = System.Diagnostics.Stopwatch.StartNew();
    VerifyManifest(Build(), Expect());
    Information("ADDIN_MS=" + watch.ElapsedMilliseconds);
    watch.Restart();
    VerifyManifest(Build(), Expect());
    Information("AGAIN_MS=" + watch.ElapsedMilliseconds);
});
RunTarget(Argument("target", "Empty"));
CAKE
# A push that Debian's registry answers with a 500 is tried once more, and the table says so
# (the race of registry 2.8's in-place tag writes; the test bed's registries keep their storage
# in memory, which avoids it, but a registry started by hand may not).
retried=0
attempt() { # attempt LOG command… : run it; on a registry 500, once more
  local log=$1; shift
  "$@" >"$log" 2>&1 && return 0
  if grep -q '500 Internal Server Error' "$log"; then
    retried=$((retried + 1)); echo "  (the registry answered 500; trying once more)"
    "$@" >"$log" 2>&1 && return 0
  fi
  cat "$log"; exit 1
}
bare_build() { docker buildx build --builder default --platform linux/amd64,linux/arm64 --build-arg "TOKEN=$token" --tag "$reg/app:$token" --push "$ctx"; }
bare_inspect() { docker buildx imagetools inspect "$reg/app:$token"; }
bare_run() { bare_build && bare_inspect; }
# The same bare commands run as buildx's own binary (standalone), as the aliases run them (docs/engine.md,
# "How the aliases run buildx"): the docker CLI's cost in front of each buildx command, shown apart.
plugin=""
for d in "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins" /usr/local/lib/docker/cli-plugins /usr/local/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins /usr/libexec/docker/cli-plugins; do
  [ -x "$d/docker-buildx" ] && { plugin="$d/docker-buildx"; break; }
done
[ -n "$plugin" ] || { echo "no docker-buildx in docker's plugin folders"; exit 1; }
direct_run() {
  "$plugin" build --builder default --platform linux/amd64,linux/arm64 --build-arg "TOKEN=$token" --tag "$reg/app:$token" --push "$ctx" \
    && "$plugin" imagetools inspect "$reg/app:$token"
}
cake_run() { dotnet cake "$work/bench.cake" --target="$1"; }
cached_run() { CAKE_SETTINGS_ENABLESCRIPTCACHE=true dotnet cake "$work/bench.cake" --target="$1"; }
timed() { # timed ARRAY LOG command… : append the wall time in ms to ARRAY
  local -n into=$1; local log=$2; shift 2
  local t0 t1; t0=$(now); attempt "$log" "$@"; t1=$(now); into+=("$(ms "$t0" "$t1")")
  last_end=$t1
}
# ms from the script's first statement (SCRIPT_START_MS in LOG) to the end of the process timed last
after_start() { echo $(( last_end / 1000000 - $(grep -oE 'SCRIPT_START_MS=[0-9]+' "$1" | cut -d= -f2) )); }
a_cake=(); a_empty=(); a_shell=(); pr_after=(); bare=(); direct=(); cake=(); empty=(); shell=(); inside=(); again=(); cempty=(); ccake=(); cshell=(); pr_whole=(); pr_cached=(); pr_floor=(); pr_cfloor=()
addin_rounds=${ADDIN_ROUNDS:-$(( rounds < 5 ? 5 : rounds ))}
cd "$root"
dotnet tool restore >/dev/null
# The script cache is filled once before the rounds (its first run compiles and stores).
attempt "$work/warm-cache.log" cached_run Empty
echo "addin: $addin_directive; Cake loaded $(addin_loaded "$work/warm-cache.log")"
for r in $(seq 1 "$addin_rounds"); do
  timed bare "$work/bare.log" bare_run
  timed direct "$work/direct.log" direct_run
  timed empty "$work/empty.log" cake_run Empty; a_empty+=("$(after_start "$work/empty.log")")
  timed cake "$work/publish.log" cake_run Publish; a_cake+=("$(after_start "$work/publish.log")")
  timed shell "$work/shell.log" cake_run Shell; a_shell+=("$(after_start "$work/shell.log")")
  timed cempty "$work/cempty.log" cached_run Empty
  timed ccake "$work/cpublish.log" cached_run Publish
  timed cshell "$work/cshell.log" cached_run Shell
  attempt "$work/twice.log" cake_run Twice
  inside+=("$(grep -oE 'ADDIN_MS=[0-9]+' "$work/twice.log" | cut -d= -f2)")
  again+=("$(grep -oE 'AGAIN_MS=[0-9]+' "$work/twice.log" | cut -d= -f2)")
  # Paired ratios: each round's own bare commands against the same round's runs, so a slow
  # stretch of the machine cancels out instead of moving one side of the ratio.
  pr_whole+=("$(awk -v p="${cake[-1]}" -v e="${empty[-1]}" -v b="${bare[-1]}" 'BEGIN {printf "%.3f", (p - e) / b}')")
  pr_floor+=("$(awk -v s="${shell[-1]}" -v e="${empty[-1]}" -v b="${bare[-1]}" 'BEGIN {printf "%.3f", (s - e) / b}')")
  pr_cfloor+=("$(awk -v s="${cshell[-1]}" -v e="${cempty[-1]}" -v b="${bare[-1]}" 'BEGIN {printf "%.3f", s / (b + e)}')")
  pr_after+=("$(awk -v p="${a_cake[-1]}" -v e="${a_empty[-1]}" -v b="${bare[-1]}" 'BEGIN {printf "%.3f", (p - e) / b}')")
  pr_cached+=("$(awk -v p="${ccake[-1]}" -v e="${cempty[-1]}" -v b="${bare[-1]}" 'BEGIN {printf "%.3f", p / (b + e)}')")
  echo "round $r: bare ${bare[-1]} ms (as buildx's own binary ${direct[-1]} ms); dotnet cake Publish ${cake[-1]} ms, Empty ${empty[-1]} ms, Shell ${shell[-1]} ms; with the script cache: Publish ${ccake[-1]} ms, Empty ${cempty[-1]} ms, Shell ${cshell[-1]} ms; inside Cake: first call ${inside[-1]} ms, again ${again[-1]} ms"
done
# Where a script-cached Publish goes, against Empty and the bare commands (ACCOUNT_ROUNDS rounds, default
# the rounds above). buildx runs through a timing wrapper: a DOCKER_CONFIG of this run's own whose
# config.json names a plugin folder (cliPluginsExtraDirs) holding a script that notes when the real plugin
# starts and ends, around it (bash adds a few ms); the script's marks (SCRIPT_START_MS, TASK_MS,
# VERIFIED_MS) cut the rest; the bare commands are timed one by one.
account=$work/account; mkdir -p "$account/plugins"
printf '{"cliPluginsExtraDirs":["%s"]}\n' "$account/plugins" > "$account/config.json"
cat > "$account/plugins/docker-buildx" <<WRAPPER
#!/bin/bash
start=\$(date +%s%3N)
"$plugin" "\$@"
code=\$?
echo "\$start \$(date +%s%3N)" >> "$account/buildx.times"
exit \$code
WRAPPER
chmod +x "$account/plugins/docker-buildx"
account_run() { DOCKER_CONFIG=$account CAKE_SETTINGS_ENABLESCRIPTCACHE=true dotnet cake "$work/bench.cake" --target="$1"; }
mark() { grep -oE "$1=[0-9]+" "$2" | cut -d= -f2; }
ac_bbuild=(); ac_binspect=(); ac_epre=(); ac_eafter=(); ac_ppre=(); ac_task=(); ac_tobx=(); ac_bx=(); ac_post=(); ac_exit=(); ac_pub=(); ac_emp=(); ac_bare=()
for r in $(seq 1 "${ACCOUNT_ROUNDS:-$addin_rounds}"); do
  t0=$(now); attempt "$work/bare.log" bare_build; t1=$(now)
  attempt "$work/bare-inspect.log" bare_inspect; t2=$(now)
  ac_bbuild+=("$(ms "$t0" "$t1")"); ac_binspect+=("$(ms "$t1" "$t2")"); ac_bare+=("$(ms "$t0" "$t2")")
  t0=$(now); attempt "$work/aempty.log" cached_run Empty; t1=$(now)
  start=$(mark SCRIPT_START_MS "$work/aempty.log")
  ac_emp+=("$(ms "$t0" "$t1")"); ac_epre+=($(( start - t0 / 1000000 ))); ac_eafter+=($(( t1 / 1000000 - start )))
  rm -f "$account/buildx.times"
  t0=$(now); attempt "$work/apublish.log" account_run Publish; t1=$(now)
  start=$(mark SCRIPT_START_MS "$work/apublish.log"); task=$(mark TASK_MS "$work/apublish.log"); verified=$(mark VERIFIED_MS "$work/apublish.log")
  read -r bx_start bx_end < <(tail -1 "$account/buildx.times") # the last, if a 500 made it try again
  ac_pub+=("$(ms "$t0" "$t1")"); ac_ppre+=($(( start - t0 / 1000000 ))); ac_task+=($(( task - start ))); ac_tobx+=($(( bx_start - task )))
  ac_bx+=($(( bx_end - bx_start ))); ac_post+=($(( verified - bx_end ))); ac_exit+=($(( t1 / 1000000 - verified )))
done

m_bare=$(median "${bare[@]}"); m_direct=$(median "${direct[@]}"); m_cake=$(median "${cake[@]}"); m_empty=$(median "${empty[@]}")
m_ccake=$(median "${ccake[@]}"); m_cempty=$(median "${cempty[@]}"); m_shell=$(median "${shell[@]}"); m_cshell=$(median "${cshell[@]}")
m_addin=$(( m_cake - m_empty )); m_inside=$(median "${inside[@]}"); m_again=$(median "${again[@]}")
m_least=$(( m_bare + m_cempty ))

echo
echo "| measure | median |"
echo "| --- | --- |"
if [ "${ENGINE_PARTS:-123}" != 3 ]; then
echo "| cold two-platform build (RUN hashes $mb MB per platform) | $m_cold ms |"
echo "| its RUN step, amd64 (native): wall / cpu | $m_amd_wall s / $m_amd_cpu s |"
echo "| its RUN step, arm64 (QEMU): wall / cpu | $m_arm_wall s / $m_arm_cpu s |"
echo "| emulation factor arm64 / amd64: wall / cpu | $(ratio "$m_arm_wall" "$m_amd_wall")x / $(ratio "$m_arm_cpu" "$m_amd_cpu")x |"
echo "| rebuild after prune -af with the registry cache | $m_warm ms = $(awk -v a="$m_warm" -v b="$m_cold" 'BEGIN {printf "%.1f", 100 * a / b}') % of cold |"
echo "| the same build again, everything local (a build's fixed cost) | $m_floor ms |"
echo "| the cache's share of the step work: (rebuild - local) / (cold - local) | $(awk -v a="$m_warm" -v b="$m_cold" -v f="$m_floor" 'BEGIN {printf "%.1f", 100 * (a - f) / (b - f)}') % |"
fi
echo "| bare: buildx build --push + imagetools inspect (cached) | $m_bare ms |"
echo "| the same bare commands as buildx's own binary ($plugin build …, $plugin imagetools inspect): without the docker CLI in front | $m_direct ms = $(ratio "$m_direct" "$m_bare")x the bare commands |"
echo "| dotnet cake --target=Publish (one BuildxBuild + VerifyManifest, cold process) | $m_cake ms |"
echo "| dotnet cake --target=Empty (Cake start-up + script compile) | $m_empty ms |"
echo "| whole process less Empty: the addin's work (Publish - Empty) | $m_addin ms = $(ratio "$m_addin" "$m_bare")x the bare commands (target <= 1.10x) |"
echo "| the same bare commands run by the script itself (StartProcess, no addin), less Empty: Cake's own floor | $(( m_shell - m_empty )) ms = $(ratio "$(( m_shell - m_empty ))" "$m_bare")x the bare commands (paired: $(fmed "${pr_floor[@]}")x) |"
echo "| the addin against that floor: (Publish - Empty) / (Shell - Empty) | $(ratio "$m_addin" "$(( m_shell - m_empty ))")x |"
echo "| the addin against the bare commands as buildx's own binary: (Publish - Empty) / direct | $(ratio "$m_addin" "$m_direct")x |"
m_acake=$(median "${a_cake[@]}"); m_aempty=$(median "${a_empty[@]}"); m_ashell=$(median "${a_shell[@]}")
echo "| the same, each process timed from its script's first statement (what follows Cake's start and the compile, which Publish and Empty share): Publish $m_acake ms, Empty $m_aempty ms, Shell $m_ashell ms | Publish - Empty: $(( m_acake - m_aempty )) ms = $(ratio "$(( m_acake - m_aempty ))" "$m_bare")x the bare commands (paired: $(fmed "${pr_after[@]}")x); Shell - Empty: $(ratio "$(( m_ashell - m_aempty ))" "$m_bare")x |"
echo "| with the script cache: dotnet cake --target=Publish | $m_ccake ms |"
echo "| with the script cache: dotnet cake --target=Empty | $m_cempty ms |"
echo "| with the script cache: the whole run against the least it could be (bare + Empty, cache on: $m_least ms) | $(ratio "$m_ccake" "$m_least")x (target <= 1.10x) |"
echo "| with the script cache, against the bare commands as buildx's own binary: Publish / (direct + Empty) | $(ratio "$m_ccake" "$(( m_direct + m_cempty ))")x |"
echo "| with the script cache, Cake's own floor: Shell / (bare + Empty) | $(ratio "$m_cshell" "$m_least")x (paired: $(fmed "${pr_cfloor[@]}")x) |"
echo "| paired per round, median of the rounds' ratios: (Publish - Empty) / bare; cached Publish / (bare + cached Empty) | $(fmed "${pr_whole[@]}")x; $(fmed "${pr_cached[@]}")x |"
echo "| BuildxBuild + VerifyManifest timed inside the Cake process, first call | $m_inside ms = $(ratio "$m_inside" "$m_bare")x the bare commands |"
echo "| the same, second call in the same process (steady cost) | $m_again ms = $(ratio "$m_again" "$m_bare")x the bare commands |"
echo "| pushes the registry answered with a 500 and that were tried again | $retried |"
echo
echo "| where a script-cached run goes, ms (medians of ${#ac_pub[@]} rounds; buildx timed by a wrapper) | Empty | Publish | bare commands |"
echo "| --- | --- | --- | --- |"
echo "| Cake's start, to the script's first statement | $(median "${ac_epre[@]}") | $(median "${ac_ppre[@]}") | — |"
echo "| the script's first statement to the task | $(median "${ac_eafter[@]}") (to the process's end) | $(median "${ac_task[@]}") | — |"
echo "| the task to buildx starting (settings, checks, docker lookup, process start) | — | $(median "${ac_tobx[@]}") | — |"
echo "| buildx build --push | — | $(median "${ac_bx[@]}") | $(median "${ac_bbuild[@]}") (docker buildx build) |"
echo "| buildx's end to verified (VerifyManifest; bare: docker buildx imagetools inspect) | — | $(median "${ac_post[@]}") | $(median "${ac_binspect[@]}") |"
echo "| verified to the process's end | — | $(median "${ac_exit[@]}") | — |"
echo "| whole | $(median "${ac_emp[@]}") | $(median "${ac_pub[@]}") = $(ratio "$(median "${ac_pub[@]}")" "$(( $(median "${ac_bare[@]}") + $(median "${ac_emp[@]}") ))")x (bare + Empty) | $(median "${ac_bare[@]}") |"
