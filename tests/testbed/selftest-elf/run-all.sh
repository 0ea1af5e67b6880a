#!/usr/bin/env bash
# Runs every self-test program and prints, per architecture, pass/fail for:
#   qemu-static  the program run by Debian's /usr/bin/qemu-<arch>-static directly (no kernel handler)
#   binfmt       the program exec'd directly: natively, or through the kernel's binfmt_misc handler
#                (`qemu-<arch>` entry) when one is registered and enabled
#   version      the QEMU version of the interpreter the kernel really runs for that handler: the
#                program exec'd with QEMU_VERSION=1 in its environment (QEMU's linux-user reads
#                QEMU_<OPTION> variables, so it prints "qemu-<arch> version X.Y.Z ..." and exits 0)
#   chroot       the same exec inside an empty chroot (only the program in it), as a container
#                would see it: passes only when the handler has the F flag (interpreter opened at
#                registration), which is what containers and `docker buildx` need; root only
# With --temp-handlers, an architecture that has no `qemu-<arch>` entry is also tried through a
# TEMPORARY entry `cmtest-<arch>` whose magic includes the CMTEST tag in e_ident[9..15], so it
# matches only the tagged self-test files (never a real binary); it is removed on exit.
# The real `qemu-*` entries are only read, never written.
# Usage: run-all.sh [--temp-handlers]   (root needed for --temp-handlers)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
temp=0; [ "${1:-}" = "--temp-handlers" ] && temp=1
BM=/proc/sys/fs/binfmt_misc
work=$(mktemp -d /tmp/cmtest-elf.XXXXXX)
made=()
cleanup() {
  for e in "${made[@]}"; do [ -e "$BM/$e" ] && echo -1 > "$BM/$e"; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

python3 "$here/gen.py" --out "$work" >/dev/null || { echo "gen.py failed"; exit 2; }
host=$(uname -m)
# The architectures this host runs without QEMU (x86_64 also runs i386 with CONFIG_IA32_EMULATION).
native() {
  case "$host:$1" in
    x86_64:amd64|x86_64:386|aarch64:arm64|aarch64:arm|s390x:s390x|ppc64le:ppc64le|riscv64:riscv64) return 0 ;;
  esac
  return 1
}
# An empty root holding only the programs (for the chroot column).
croot="$work/root"; mkdir -p "$croot"
canchroot=0; [ "$(id -u)" = 0 ] && command -v chroot >/dev/null && canchroot=1
# Runs $1, prints "pass" (exit 42) or "fail (<what happened>)".
# QEMU version through the handler: "X.Y.Z" or "-" (native, or not QEMU: the program then exits 42).
qver() {
  local out; out=$(QEMU_VERSION=1 timeout 10 "$@" 2>/dev/null | head -1)
  if [[ $out =~ version\ ([0-9]+\.[0-9]+\.[0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; else echo "-"; fi
}
try() {
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ $rc -eq 42 ]; then echo pass; else echo "fail (exit $rc${out:+: ${out//$'\n'/ }})"; fi
}

printf '%-9s %-12s %-5s %-12s %-40s %-8s %-s\n' ARCH QEMU SIZE QEMU-STATIC BINFMT VERSION CHROOT
fails=0
while read -r arch q size _hex; do
  case $arch in '#'*|'') continue ;; esac
  prog="$work/$arch"
  if [ -x "/usr/bin/qemu-$q-static" ]; then
    a=$(try timeout 10 "/usr/bin/qemu-$q-static" "$prog")
  else
    a="n/a (no /usr/bin/qemu-$q-static)"
  fi
  entry="$BM/qemu-$q"
  cp "$prog" "$prog.tagged" "$croot/"
  c="n/a"; v="-"
  if native "$arch"; then
    b="$(try timeout 10 "$prog") [native]"
    [ $canchroot -eq 1 ] && c=$(try timeout 10 chroot "$croot" "/$arch")
  elif [ -e "$entry" ] && head -1 "$entry" | grep -qx enabled; then
    b="$(try timeout 10 "$prog") [qemu-$q $(sed -n 's/^flags: //p' "$entry")]"
    v=$(qver "$prog")
    [ $canchroot -eq 1 ] && c=$(try timeout 10 chroot "$croot" "/$arch")
  elif [ $temp -eq 1 ] && [ -x "/usr/bin/qemu-$q-static" ]; then
    name="cmtest-$q"
    magic=$(python3 -c "import json,sys; p=[x for x in json.load(open('$here/programs.json'))['programs'] if x['arch']=='$arch'][0]; print(p['testEntryMagic']+':'+p['testEntryMask'])")
    [ -e "$BM/$name" ] && echo -1 > "$BM/$name"
    if printf ':%s:M::%s:/usr/libexec/qemu-binfmt/%s-binfmt-P:OPF' "$name" "$magic" "$q" > "$BM/register"; then
      made+=("$name")
      b="$(try timeout 10 "$prog.tagged") [temporary $name]"
      v=$(qver "$prog.tagged")
      [ $canchroot -eq 1 ] && c=$(try timeout 10 chroot "$croot" "/$arch.tagged")
      echo -1 > "$BM/$name"
    else
      b="fail (could not register $name)"
    fi
  else
    b="skipped (no qemu-$q entry$( [ -e "$entry" ] && echo ', disabled'))"
  fi
  printf '%-9s %-12s %-5s %-12s %-40s %-8s %-s\n' "$arch" "$q" "$size" "$a" "$b" "$v" "$c"
  case "$a$b$c" in *fail*) fails=$((fails + 1)) ;; esac
done < "$here/programs.hex"
# Capability probe (information only): openat2 under the arm64 emulator.
probe="$work/probe-openat2-arm64"
if [ -x /usr/bin/qemu-aarch64-static ]; then
  timeout 10 /usr/bin/qemu-aarch64-static "$probe"; rc=$?
  case $rc in 22) r="implemented (EINVAL)" ;; 38) r="missing (ENOSYS)" ;; *) r="unexpected exit $rc" ;; esac
  echo "probe openat2 (arm64) via /usr/bin/qemu-aarch64-static $(qver /usr/bin/qemu-aarch64-static "$probe"): $r"
fi
if [ -e "$BM/qemu-aarch64" ] && head -1 "$BM/qemu-aarch64" | grep -qx enabled; then
  timeout 10 "$probe"; rc=$?
  case $rc in 22) r="implemented (EINVAL)" ;; 38) r="missing (ENOSYS)" ;; *) r="unexpected exit $rc" ;; esac
  echo "probe openat2 (arm64) via the qemu-aarch64 handler $(qver "$probe"): $r"
fi
[ $fails -eq 0 ] && echo "all passed" || echo "$fails architecture(s) failed"
exit $((fails > 0))
