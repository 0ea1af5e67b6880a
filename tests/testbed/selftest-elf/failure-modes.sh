#!/usr/bin/env bash
# Records what the kernel answers for the broken-handler cases the self-test must recognise, using
# ONLY test entries of its own (`cmtest-*`) whose magic includes the CMTEST tag (e_ident[9..15]),
# so they match nothing but the tagged arm64 self-test file. The real `qemu-*` entries are never
# written. Every entry it makes is removed on exit. Root needed.
#   1. interpreter path does not exist           (registration with F; exec without F)
#   2. F-flag entry whose interpreter file was deleted after registration
#   3. no F flag: exec on the host, in a chroot, in a container
#   4. disabled entry (echo 0 > entry)
#   5. QEMU_VERSION=1: the interpreter the kernel uses prints its version
# Usage: failure-modes.sh [--docker IMAGE]   (the container case needs a local image with /bin/sh)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=""; [ "${1:-}" = "--docker" ] && image=${2:-}
BM=/proc/sys/fs/binfmt_misc
work=$(mktemp -d /tmp/cmtest-fm.XXXXXX); chmod 755 "$work"
made=()
cleanup() {
  for e in "${made[@]}"; do [ -e "$BM/$e" ] && echo -1 > "$BM/$e"; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
python3 "$here/gen.py" --out "$work" >/dev/null
prog="$work/arm64.tagged"
mm=$(python3 -c "import json; p=[x for x in json.load(open('$here/programs.json'))['programs'] if x['arch']=='arm64'][0]; print(p['testEntryMagic']+':'+p['testEntryMask'])")

# register NAME INTERPRETER FLAGS -> prints the result of the write to `register`
register() {
  local out
  [ -e "$BM/$1" ] && echo -1 > "$BM/$1"
  if out=$( { printf ':%s:M::%s:%s:%s' "$1" "$mm" "$2" "$3" > "$BM/register"; } 2>&1); then
    made+=("$1"); echo "register $1 ($2, flags '$3'): ok"
  else
    echo "register $1 ($2, flags '$3'): FAILED: $out"
  fi
}
# exec_report PATH... -> errno of execve (python) and the shell's message
exec_report() {
  python3 - "$@" <<'PY'
import errno, subprocess, sys
try:
    r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=20)
    out = (r.stdout.strip().splitlines() or [""])[0]
    print("  execve ok, exit %d%s%s" % (r.returncode, (", stdout: " + out) if out else "",
                                       (", stderr: " + r.stderr.strip()) if r.stderr.strip() else ""))
except OSError as e:
    print("  execve failed: errno %d %s (%s)" % (e.errno, errno.errorcode[e.errno], e.strerror))
PY
  local msg; msg=$(bash -c '"$@"' sh "$@" 2>&1); echo "  bash: rc $? ${msg:+: $msg}"
}
entry() { echo "  entry: $(tr '\n' '|' < "$BM/$1")"; }

root="$work/root"; mkdir -p "$root/bin"; cp "$prog" "$root/bin/prog"

echo "== 0. control: tagged file, no test entry (no qemu-* entry matches the tag)"
exec_report "$prog"

echo "== 1a. missing interpreter, F flag (the kernel opens it at registration)"
register cmtest-missing-f /nonexistent/qemu-aarch64-static F
echo "== 1b. missing interpreter, no F flag (looked up at exec)"
register cmtest-missing /nonexistent/qemu-aarch64-static ""
entry cmtest-missing; exec_report "$prog"
echo " chroot:"; exec_report chroot "$root" /bin/prog
echo -1 > "$BM/cmtest-missing"

echo "== 2. F flag, interpreter deleted after registration"
cp /usr/bin/qemu-aarch64-static "$work/qemu-copy"
register cmtest-deleted "$work/qemu-copy" F
rm -f "$work/qemu-copy"
entry cmtest-deleted; exec_report "$prog"
echo -1 > "$BM/cmtest-deleted"

echo "== 3. no F flag, interpreter /usr/bin/qemu-aarch64-static"
register cmtest-nof /usr/bin/qemu-aarch64-static ""
entry cmtest-nof
echo " host:"; exec_report "$prog"
echo " chroot without the interpreter:"; exec_report chroot "$root" /bin/prog
if [ -n "$image" ]; then
  echo " docker run $image (interpreter absent in the image):"
  out=$(docker run --rm -v "$work/arm64.tagged:/prog:ro" --entrypoint /prog "$image" 2>&1); echo "  rc $?: $out"
fi
echo " same entry with F flag:"
register cmtest-nof /usr/bin/qemu-aarch64-static F
entry cmtest-nof
echo " chroot without the interpreter:"; exec_report chroot "$root" /bin/prog
if [ -n "$image" ]; then
  out=$(docker run --rm -v "$work/arm64.tagged:/prog:ro" --entrypoint /prog "$image" 2>&1); echo "  docker rc $?: $out"
fi

echo "== 4. disabled entry"
echo 0 > "$BM/cmtest-nof"
entry cmtest-nof; exec_report "$prog"
echo " chroot:"; exec_report chroot "$root" /bin/prog
if [ -n "$image" ]; then
  out=$(docker run --rm -v "$work/arm64.tagged:/prog:ro" --entrypoint /prog "$image" 2>&1); echo "  docker rc $?: $out"
fi
echo 1 > "$BM/cmtest-nof"
echo " re-enabled:"; exec_report "$prog"

echo "== 5. QEMU_VERSION=1 through the handler (prints the version of the interpreter the kernel holds)"
exec_report env QEMU_VERSION=1 "$prog"
echo -1 > "$BM/cmtest-nof"
echo "== entries left: $(ls "$BM" | grep cmtest- || echo none)"
