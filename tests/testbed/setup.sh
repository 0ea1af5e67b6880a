#!/usr/bin/env bash
# Sets up the real test bed the integration tests use (run as root; .ci/run calls it):
# Debian's docker.io, docker-registry, qemu-user-static, podman, skopeo; binfmt_misc mounted;
# an arm64 busybox-static binary; dockerd running; a local QEMU installer image.
# Everything it makes goes to $TESTBED (default /var/cache/cake-multiarch), which the tests read.
set -euo pipefail
TESTBED=${TESTBED:-/var/cache/cake-multiarch}
mkdir -p "$TESTBED"
log() { printf 'testbed: %s\n' "$*"; }
# `dpkg … | grep -q` can fail under pipefail (grep exits first, dpkg gets SIGPIPE): read it all.
has_arch() { [ "$(dpkg --print-architecture)" = "$1" ] || dpkg --print-foreign-architectures | grep -x "$1" >/dev/null; }
# A Debian mirror mid-sync can fail one index (seen: bookworm-security armhf, "File has unexpected
# size"); apt keeps the lists it had, and a package that is really missing still fails its install.
apt_update() { apt-get update -qq || log "apt-get update reported errors (continuing with the package lists it has)"; }

need=()
for pkg in docker-registry qemu-user-static podman skopeo busybox-static jq apache2-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ] || ! has_arch arm64; then
  has_arch arm64 || dpkg --add-architecture arm64
  log "apt-get update"
  apt_update
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The build engine: Debian 13's docker.io 26, docker-cli 26, docker-buildx 0.13 and containerd 1.7,
# taken alone from trixie (pinned at priority 100, so nothing else is raised; never `-t trixie`,
# which would pull trixie's runc and with it a newer libc6). The mirror is the one this machine's
# own debian.sources names.
engine_ok() {
  dpkg -s docker-buildx >/dev/null 2>&1 && dpkg -s docker.io >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' docker.io | grep '^26\.' >/dev/null
}
if ! engine_ok; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb / && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { log "no Debian mirror found in /etc/apt/sources.list.d/debian.sources"; exit 1; }
  log "adding Debian 13 (trixie) from $uri, pinned at priority 100"
  cat > /etc/apt/sources.list.d/trixie.sources <<SRC
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat > /etc/apt/preferences.d/trixie.pref <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
  apt_update
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  log "installing docker.io, docker-cli, docker-buildx and containerd from trixie"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io/trixie docker-cli/trixie docker-buildx/trixie containerd/trixie >/dev/null || { rm -f /usr/sbin/policy-rc.d; exit 1; }
  rm -f /usr/sbin/policy-rc.d
fi
mkdir -p /etc/docker
if ! grep -q containerd-snapshotter /etc/docker/daemon.json 2>/dev/null; then
  echo '{"features":{"containerd-snapshotter":true}}' > /etc/docker/daemon.json
fi

# binfmt_misc
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  log "mounting binfmt_misc"
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi

# The engine's default builder lists the platforms QEMU is registered for: register arm64 and
# arm (Debian's qemu-user-static, flags F) when they are missing.
for q in aarch64 arm; do
  if [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$q" ]; then
    log "registering qemu-$q"
    grep -v '^#' "/usr/lib/binfmt.d/qemu-$q.conf" > /proc/sys/fs/binfmt_misc/register
  fi
done

# An arm64 static binary to run under emulation.
if [ ! -x "$TESTBED/arm64/bin/busybox" ]; then
  log "fetching busybox-static:arm64"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq busybox-static:arm64)
  dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$TESTBED/arm64"
  rm -rf "$tmp"
fi

# dockerd asks for every capability for --privileged containers; these VMs' bounding set lacks
# CAP_SYS_RESOURCE, so runc is wrapped to drop it (test bed only; see shared/DESIGN.md): from the
# bundle's config.json (`--bundle DIR`) and from the process spec of `runc exec --process FILE`
# (docker exec into a privileged container, which every docker-container builder build does).
wrapper=$(cat <<'WRAP'
#!/bin/sh
# Drop CAP_SYS_RESOURCE, which this VM's capability bounding set lacks, then run the real runc.
prev=
for a in "$@"; do
  case $prev in
    --bundle|-b) bundle=$a ;;
    --process|-p) process=$a ;;
  esac
  case $a in
    --bundle=*) bundle=${a#--bundle=} ;;
    --process=*) process=${a#--process=} ;;
  esac
  prev=$a
done
if [ -n "${bundle:-}" ] && [ -f "$bundle/config.json" ]; then
  tmp="$bundle/config.json.tmp"
  jq '(.process.capabilities // {}) |= with_entries(.value |= map(select(. != "CAP_SYS_RESOURCE")))' "$bundle/config.json" > "$tmp" && mv "$tmp" "$bundle/config.json"
fi
if [ -n "${process:-}" ] && [ -f "$process" ]; then
  tmp="$process.tmp"
  jq '(.capabilities // {}) |= with_entries(.value |= map(select(. != "CAP_SYS_RESOURCE")))' "$process" > "$tmp" && mv "$tmp" "$process"
fi
exec /usr/sbin/runc "$@"
WRAP
)
if [ "$(cat /usr/local/sbin/runc 2>/dev/null)" != "$wrapper" ]; then
  log "installing the runc wrapper"
  printf '%s\n' "$wrapper" > /usr/local/sbin/runc
  chmod +x /usr/local/sbin/runc
fi

# dockerd
# Up to four tries: on a machine just restored, containerd's metadata store (/var/lib/docker/containerd)
# can take longer to open than dockerd waits for it ("timeout waiting for containerd to start");
# each try reads more of it into the page cache (seen: two tries failing, the third starting).
for attempt in 1 2 3 4; do
  docker info >/dev/null 2>&1 && break
  if [ "$attempt" = 1 ]; then log "starting dockerd"; else log "starting dockerd again (the first one stopped: $(grep -m1 -o 'failed to start containerd.*' "$TESTBED/dockerd.log" || echo 'see dockerd.log'))"; fi
  (PATH=/usr/local/sbin:$PATH nohup dockerd >"$TESTBED/dockerd.log" 2>&1 &)
  for _ in $(seq 1 60); do
    sleep 1
    docker info >/dev/null 2>&1 && break
    pgrep -x dockerd >/dev/null || break # it gave up: try again
  done
done
if ! docker info >/dev/null 2>&1; then
  log "dockerd did not start"; tail -20 "$TESTBED/dockerd.log"; exit 1
fi

# A local QEMU installer image in the style of tonistiigi/binfmt (Docker Hub is out of reach):
# busybox + Debian's static QEMU + a script that takes --install ARCH[,ARCH…].
if ! docker image inspect cake-multiarch/binfmt:test >/dev/null 2>&1; then
  log "building the local installer image cake-multiarch/binfmt:test"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/usr/bin" "$root/binfmt.d" "$root/proc" "$root/dev" "$root/sys"
  cp /bin/busybox "$root/bin/busybox"
  for a in sh mount cat grep sed echo ls test tr; do ln -s busybox "$root/bin/$a"; done
  for q in aarch64 arm riscv64 ppc64le s390x loongarch64 mips64el; do
    cp "/usr/bin/qemu-$q-static" "$root/usr/bin/"
    sed "s#:/usr/libexec/qemu-binfmt/[^:]*-binfmt-P:#:/usr/bin/qemu-$q-static:#; s#:OPF\$#:OCF#; s#:POF\$#:OCF#" "/usr/lib/binfmt.d/qemu-$q.conf" > "$root/binfmt.d/qemu-$q.conf"
  done
  cat > "$root/install" <<'INSTALL'
#!/bin/sh
# usage: install --install arm64,riscv64   (tonistiigi/binfmt's interface, for the names it takes)
[ "$1" = "--install" ] || { echo "usage: --install ARCHS" >&2; exit 2; }
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
for arch in $(echo "$2" | tr ',' ' '); do
  case $arch in
    arm64) q=aarch64 ;; arm) q=arm ;; riscv64) q=riscv64 ;; ppc64le) q=ppc64le ;; s390x) q=s390x ;;
    loong64) q=loongarch64 ;; mips64le) q=mips64el ;; *) echo "installing $arch: unknown architecture"; continue ;;
  esac
  if [ -e /proc/sys/fs/binfmt_misc/qemu-$q ]; then echo "installing $arch: already registered"; continue; fi
  if cat /binfmt.d/qemu-$q.conf > /proc/sys/fs/binfmt_misc/register; then echo "installing $arch: OK"; else echo "installing $arch: failed"; fi
done
exit 0
INSTALL
  chmod +x "$root/install"
  tar -C "$root" -cf "$TESTBED/binfmt-rootfs.tar" .
  docker import --change 'ENTRYPOINT ["/install"]' "$TESTBED/binfmt-rootfs.tar" cake-multiarch/binfmt:test >/dev/null
  rm -rf "$root"
fi
log "ready ($TESTBED)"

# ---------------------------------------------------------------------------------------------
# Engine block (examples/hello, the engine tests and tests/benchmark/engine.sh): a registry on
# 127.0.0.1:5000 (started only when nothing answers there; in-memory storage, so it lives as long
# as its process: Debian's registry 2.8 writes a tag's link file in place, and dockerd's
# containerd-store push PUTs the same tag several times at once, so a HEAD racing those writes
# reads a half-written link and answers 500 "invalid checksum digest format" — about one push in
# 25 here; the in-memory driver writes under a lock) holding a two-platform busybox base image, 127.0.0.1:5000/testbed/busybox:1, made from
# the busybox-static packages (amd64: /bin/busybox, arm64: $TESTBED/arm64/bin/busybox), because
# base images cannot be pulled from Docker Hub here. Idempotent: each step checks first.
TESTBED_REGISTRY=${TESTBED_REGISTRY:-127.0.0.1:5000}
BASE_IMAGE="$TESTBED_REGISTRY/testbed/busybox:1"
if ! command -v curl >/dev/null 2>&1; then
  log "installing curl"
  apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi
if ! curl -sf "http://$TESTBED_REGISTRY/v2/" >/dev/null 2>&1; then
  log "starting the test-bed registry on $TESTBED_REGISTRY"
  cat > "$TESTBED/registry.yml" <<REG
version: 0.1
log:
  level: warn
storage:
  inmemory: {}
  delete:
    enabled: true
http:
  addr: $TESTBED_REGISTRY
REG
  (nohup /usr/bin/docker-registry serve "$TESTBED/registry.yml" >"$TESTBED/registry.log" 2>&1 &)
  for _ in $(seq 1 50); do curl -sf "http://$TESTBED_REGISTRY/v2/" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf "http://$TESTBED_REGISTRY/v2/" >/dev/null 2>&1 || { log "the registry did not start"; tail -20 "$TESTBED/registry.log"; exit 1; }
fi
if ! curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' "http://$TESTBED_REGISTRY/v2/testbed/busybox/manifests/1"; then
  log "building and pushing the base image $BASE_IMAGE (linux/amd64, linux/arm64)"
  ctx=$(mktemp -d)
  for arch in amd64 arm64; do
    mkdir -p "$ctx/rootfs-$arch/bin" "$ctx/rootfs-$arch/tmp"
    if [ "$arch" = amd64 ]; then cp /bin/busybox "$ctx/rootfs-$arch/bin/busybox"; else cp "$TESTBED/arm64/bin/busybox" "$ctx/rootfs-$arch/bin/busybox"; fi
    for applet in $(/bin/busybox --list); do
      [ "$applet" = busybox ] || ln -sf busybox "$ctx/rootfs-$arch/bin/$applet"
    done
  done
  cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
ENV PATH=/bin
CMD ["/bin/sh"]
DOCKERFILE
  docker buildx build --builder default --progress plain --provenance=false \
    --platform linux/amd64,linux/arm64 --tag "$BASE_IMAGE" --push "$ctx" >"$TESTBED/base-image.log" 2>&1 \
    || { rm -rf "$ctx"; log "building the base image failed"; tail -20 "$TESTBED/base-image.log"; exit 1; }
  rm -rf "$ctx"
fi
log "engine: registry $TESTBED_REGISTRY, base image $BASE_IMAGE"

# ---------------------------------------------------------------------------------------------
# .NET block (examples/dotnet-app and its test): a two-platform runtime base image for
# self-contained .NET apps, 127.0.0.1:5000/testbed/dotnet-deps:bookworm, made from Debian's
# libc6, libgcc-s1 and libstdc++6 for amd64 and arm64 (apt-get download PKG:ARCH), because no
# base image can be pulled here. Needs the test-bed registry (engine block). Idempotent.
TESTBED_REGISTRY=${TESTBED_REGISTRY:-127.0.0.1:5000}
DOTNET_BASE="$TESTBED_REGISTRY/testbed/dotnet-deps:bookworm"
if ! curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' "http://$TESTBED_REGISTRY/v2/testbed/dotnet-deps/manifests/bookworm"; then
  log "building and pushing the .NET runtime base image $DOTNET_BASE (linux/amd64, linux/arm64)"
  ctx=$(mktemp -d)
  for arch in amd64 arm64; do
    mkdir -p "$ctx/debs-$arch" "$ctx/rootfs-$arch/tmp"
    (cd "$ctx/debs-$arch" && apt-get download -qq "libc6:$arch" "libgcc-s1:$arch" "libstdc++6:$arch" 2>&1 | grep -v 'unsandboxed' || true)
    for deb in "$ctx/debs-$arch"/*.deb; do dpkg-deb -x "$deb" "$ctx/rootfs-$arch"; done
    rm -rf "$ctx/debs-$arch" "$ctx/rootfs-$arch/usr/share/doc" "$ctx/rootfs-$arch/usr/share/lintian" "$ctx/rootfs-$arch/usr/share/locale"
    chmod 1777 "$ctx/rootfs-$arch/tmp"
  done
  printf 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\n' > "$ctx/Dockerfile"
  docker buildx build --builder default --progress plain --provenance=false \
    --platform linux/amd64,linux/arm64 --tag "$DOTNET_BASE" --push "$ctx" >"$TESTBED/dotnet-base-image.log" 2>&1 \
    || { rm -rf "$ctx"; log "building the .NET base image failed"; tail -20 "$TESTBED/dotnet-base-image.log"; exit 1; }
  rm -rf "$ctx"
fi
log ".NET: base image $DOTNET_BASE"

# Deep verification, second level (VerifyManifest's entry point / loader / ARM checks): Debian
# packages for arm64, armhf and armel unpacked (never installed) under $TESTBED/deep/ARCH/PKG,
# from which the tests build FROM-scratch images. Idempotent: skips what is already there.
# ---------------------------------------------------------------------------------------------
deep_arches="arm64 armhf armel"
deep_packages="libc6 busybox busybox-static musl"
deep_missing=""
for arch in $deep_arches; do
  for pkg in $deep_packages; do
    [ -f "$TESTBED/deep/$arch/$pkg/.done" ] || deep_missing="$deep_missing $pkg:$arch"
  done
done
if [ -n "$deep_missing" ]; then
  log "unpacking the deep-verification corpus:$deep_missing"
  for arch in $deep_arches; do
    has_arch "$arch" || dpkg --add-architecture "$arch"
    # A mirror mid-sync can fail one index (security); what matters is that the packages are known.
    apt-cache show "libc6:$arch" >/dev/null 2>&1 || apt_update
  done
  deep_dl=$(mktemp -d); chmod 755 "$deep_dl"   # apt-get download runs as _apt
  for item in $deep_missing; do
    pkg=${item%%:*}; arch=${item#*:}
    (cd "$deep_dl" && apt-get download -qq "$pkg:$arch")
    deb=$(ls "$deep_dl"/"${pkg}"_*_"$arch".deb | head -1)
    rm -rf "$TESTBED/deep/$arch/$pkg"
    mkdir -p "$TESTBED/deep/$arch/$pkg"
    dpkg-deb -x "$deb" "$TESTBED/deep/$arch/$pkg"
    touch "$TESTBED/deep/$arch/$pkg/.done"
  done
  rm -rf "$deep_dl"
fi
log "deep corpus ready ($TESTBED/deep)"

# --- ImageMetadata (ImageMetadata/ tests): the git executable, to make real repositories ---------
if ! command -v git >/dev/null 2>&1; then
  apt-get install -y -qq git >/dev/null || { apt_update; apt-get install -y -qq git >/dev/null; }
fi
log "git: $(git --version)"

# ---------------------------------------------------------------------------------------------
# Dockerfile preflight block (CheckDockerfile tests): two SINGLE-platform base images (plain
# manifests, no index), 127.0.0.1:5000/preflight-test/busybox-amd64:1 and …/busybox-arm64:1,
# FROM scratch + busybox, so that a build for amd64+arm64 lacks a platform. Needs the test-bed
# registry (engine block). Idempotent.
TESTBED_REGISTRY=${TESTBED_REGISTRY:-127.0.0.1:5000}
for arch in amd64 arm64; do
  image="$TESTBED_REGISTRY/preflight-test/busybox-$arch:1"
  if ! curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$TESTBED_REGISTRY/v2/preflight-test/busybox-$arch/manifests/1"; then
    log "building and pushing the single-platform base image $image"
    ctx=$(mktemp -d)
    if [ "$arch" = amd64 ]; then cp /bin/busybox "$ctx/busybox"; else cp "$TESTBED/arm64/bin/busybox" "$ctx/busybox"; fi
    printf 'FROM scratch\nCOPY busybox /bin/busybox\n' > "$ctx/Dockerfile"
    docker buildx build --builder default --progress plain --provenance=false \
      --platform "linux/$arch" --tag "$image" --push "$ctx" >"$TESTBED/preflight-$arch.log" 2>&1 \
      || { rm -rf "$ctx"; log "building $image failed"; tail -20 "$TESTBED/preflight-$arch.log"; exit 1; }
    docker image rm "$image" >/dev/null 2>&1 || true
    rm -rf "$ctx"
  fi
done
log "preflight: base images $TESTBED_REGISTRY/preflight-test/busybox-{amd64,arm64}:1"

# ---------------------------------------------------------------------------------------------
# Real BuildKit for every driver (issue 20; shared/DESIGN.md "Real BuildKit for every driver") and
# the supply-chain tools (issue 17). Needs dockerd and the test-bed registry (engine block).
# Idempotent; each part is checked first, and tests/testbed/check.sh checks them all. README.md
# (next to this file) says what each part is.
#  1. The BuildKit proxy (buildkit-proxy.pl, ours): 127.0.0.1:1234 and 127.0.0.1:1235 (two ports, so
#     that a two-node builder has two endpoints) -> the engine's own BuildKit (POST /grpc, Upgrade:
#     h2c on /var/run/docker.sock). A copy runs from $TESTBED; pid and log files there too.
#  2. cake-multiarch/buildkit:engine in the engine's store (never pushed): a STAND-IN builder image
#     for buildx's docker-container driver (buildkitd sleeps; buildctl dial-stdio -> the proxy).
#  3. cosign (and oras when Debian has it) from trixie, pinned like the engine's packages.
#  4. 127.0.0.1:5000/cake-multiarch/sbom-scanner:1: our SBOM generator image (BuildKit's protocol).
TESTBED_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTBED_REGISTRY=${TESTBED_REGISTRY:-127.0.0.1:5000}
BUILDKIT_PROXY_ADDRS="127.0.0.1:1234 127.0.0.1:1235"
STANDIN_IMAGE=cake-multiarch/buildkit:engine
SBOM_SCANNER="$TESTBED_REGISTRY/cake-multiarch/sbom-scanner:1"
SOURCE_LABEL=org.cake-multiarch.testbed.source   # a hash of the files an image is built from

# 1. The BuildKit proxy: (re)started when it is not running, does not answer on both ports, or
#    its script changed; a proxy of ours that lost its pid file is found by its port and stopped.
proxy="$TESTBED/buildkit-proxy.pl" proxy_pid="$TESTBED/buildkit-proxy.pid" proxy_log="$TESTBED/buildkit-proxy.log"
proxy_pid_alive() {
  local pid; pid=$(cat "$proxy_pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'buildkit-proxy\.pl'
}
# shellcheck disable=SC2086
proxy_answers() { perl "$proxy" --check $BUILDKIT_PROXY_ADDRS >/dev/null 2>&1; }
if ! cmp -s "$TESTBED_SRC/buildkit-proxy.pl" "$proxy" || ! proxy_pid_alive || ! proxy_answers; then
  stale=""
  proxy_pid_alive && stale=$(cat "$proxy_pid")
  for addr in $BUILDKIT_PROXY_ADDRS; do
    command -v ss >/dev/null 2>&1 || break
    for pid in $(ss -Hltnp "sport = :${addr##*:}" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
      if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'buildkit-proxy\.pl'; then stale="$stale $pid"
      else log "port ${addr##*:} is taken by another program: $(tr '\0' ' ' <"/proc/$pid/cmdline")"; exit 1; fi
    done
  done
  for pid in $(printf '%s\n' $stale | sort -u); do
    log "stopping the previous BuildKit proxy (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  install -m 755 "$TESTBED_SRC/buildkit-proxy.pl" "$proxy"
  rm -f "$proxy_pid"
  # One line per connection: keep the log to a few MB across restarts.
  if [ "$(stat -c %s "$proxy_log" 2>/dev/null || echo 0)" -gt 5000000 ]; then mv "$proxy_log" "$proxy_log.old"; fi
  log "starting the BuildKit proxy on $BUILDKIT_PROXY_ADDRS (log $proxy_log)"
  # shellcheck disable=SC2086
  setsid nohup perl "$proxy" --pid-file "$proxy_pid" $BUILDKIT_PROXY_ADDRS >>"$proxy_log" 2>&1 </dev/null &
  for _ in $(seq 1 50); do proxy_answers && break; sleep 0.1; done
  # shellcheck disable=SC2086
  perl "$proxy" --check $BUILDKIT_PROXY_ADDRS || { log "the BuildKit proxy does not answer"; tail -20 "$proxy_log"; exit 1; }
fi
log "BuildKit proxy: tcp://${BUILDKIT_PROXY_ADDRS// / and tcp://} (pid $(cat "$proxy_pid"))"

# 2. The stand-in builder image, rebuilt when its files change (the label holds their hash).
standin_src="$TESTBED_SRC/buildkit-stand-in"
standin_hash=$(cat "$standin_src/Dockerfile" "$standin_src/buildkitd" "$standin_src/buildctl" | sha256sum | cut -c1-16)
if [ "$(docker image inspect -f "{{index .Config.Labels \"$SOURCE_LABEL\"}}" "$STANDIN_IMAGE" 2>/dev/null)" != "$standin_hash" ]; then
  log "building the stand-in builder image $STANDIN_IMAGE (local only)"
  docker buildx build --builder default --progress plain --provenance=false --platform linux/amd64 \
    --build-arg "BASE=$TESTBED_REGISTRY/testbed/busybox:1" --label "$SOURCE_LABEL=$standin_hash" \
    --tag "$STANDIN_IMAGE" --load "$standin_src" >"$TESTBED/buildkit-stand-in.log" 2>&1 \
    || { log "building $STANDIN_IMAGE failed"; tail -20 "$TESTBED/buildkit-stand-in.log"; exit 1; }
fi
log "stand-in builder image: $STANDIN_IMAGE (--driver-opt image=$STANDIN_IMAGE,network=host)"

# 3. cosign and oras from trixie, alone (as the engine's packages: named with /trixie under the
#    priority-100 pin, no recommends); apt's simulation must show nothing but new packages.
sc_pkgs=""
dpkg -s cosign >/dev/null 2>&1 || sc_pkgs="cosign/trixie"
if ! dpkg -s oras >/dev/null 2>&1; then
  apt-cache show oras/trixie >/dev/null 2>&1 || apt-cache show cosign/trixie >/dev/null 2>&1 || apt_update
  if apt-cache show oras/trixie >/dev/null 2>&1; then sc_pkgs="$sc_pkgs oras/trixie"
  else log "oras: not in Debian trixie's lists here, not installed"; fi
fi
if [ -n "$sc_pkgs" ]; then
  # shellcheck disable=SC2086
  sim=$(apt-get install -s --no-install-recommends $sc_pkgs 2>&1) || {
    apt_update
    # shellcheck disable=SC2086
    sim=$(apt-get install -s --no-install-recommends $sc_pkgs 2>&1) || { log "apt cannot install $sc_pkgs"; printf '%s\n' "$sim"; exit 1; }
  }
  # An upgrade shows as "Inst NAME [OLD VERSION] (…)"; a removal as "Remv".
  if printf '%s\n' "$sim" | grep -E '^(Inst [^ ]+ \[|Remv )' >/dev/null; then
    log "installing $sc_pkgs would upgrade or remove other packages; not done:"
    printf '%s\n' "$sim" | grep -E '^(Inst|Remv) '; exit 1
  fi
  log "installing $(printf '%s\n' "$sim" | awk '/^Inst /{printf "%s ", $2}')from trixie"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends \
    $sc_pkgs >/dev/null
fi
log "cosign $(dpkg-query -W -f='${Version}' cosign)$(dpkg -s oras >/dev/null 2>&1 && printf ', oras %s' "$(dpkg-query -W -f='${Version}' oras)")"

# 4. The SBOM scanner image in the test-bed registry (both platforms; BuildKit runs it for the
#    build platform), re-pushed when its files change (the index annotation holds their hash).
scanner_src="$TESTBED_SRC/sbom-scanner"
scanner_hash=$(cat "$scanner_src/Dockerfile" "$scanner_src/scan" | sha256sum | cut -c1-16)
scanner_repo=${SBOM_SCANNER#"$TESTBED_REGISTRY"/}; scanner_repo=${scanner_repo%:*}
if [ "$(curl -sf -H 'Accept: application/vnd.oci.image.index.v1+json' \
      "http://$TESTBED_REGISTRY/v2/$scanner_repo/manifests/${SBOM_SCANNER##*:}" \
      | jq -r --arg l "$SOURCE_LABEL" '.annotations[$l] // empty' 2>/dev/null)" != "$scanner_hash" ]; then
  log "building and pushing the SBOM scanner image $SBOM_SCANNER (linux/amd64, linux/arm64)"
  docker buildx build --builder default --progress plain --provenance=false --platform linux/amd64,linux/arm64 \
    --build-arg "BASE=$TESTBED_REGISTRY/testbed/busybox:1" --annotation "index:$SOURCE_LABEL=$scanner_hash" \
    --tag "$SBOM_SCANNER" --push "$scanner_src" >"$TESTBED/sbom-scanner.log" 2>&1 \
    || { log "building $SBOM_SCANNER failed"; tail -20 "$TESTBED/sbom-scanner.log"; exit 1; }
  docker image rm "$SBOM_SCANNER" >/dev/null 2>&1 || true
fi
log "SBOM scanner: --sbom=generator=$SBOM_SCANNER"

# 5. An arm64 .NET runtime and sysroot (NuGet's runtime and host packs for linux-arm64, Debian's arm64
#    libc6, libgcc-s1, libstdc++6, libssl3, zlib1g), for running Cake itself as arm64 under QEMU
#    (arm64-cake.sh): PackageTests checks that an arm64 Cake loads the package's arm64 copy. Made once,
#    reused (tests/benchmark/arm64-dotnet.sh, shared with the .NET benchmarks).
# shellcheck source=../benchmark/arm64-dotnet.sh
source "$TESTBED_SRC/../benchmark/arm64-dotnet.sh"
arm64_runtime "$TESTBED/bench-dotnet" | while read -r line; do log "$line"; done
log "arm64 .NET runtime: $TESTBED/bench-dotnet/dotnet-arm64 ($(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {print $2}' | sort -V | tail -1))"
bash "$TESTBED_SRC/check.sh"
