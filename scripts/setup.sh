#!/usr/bin/env bash
# Install what Xenolith needs to build, run and test on Debian 12.
# Idempotent: does nothing when everything is present. The Makefile runs it
# when `setup.sh --check` reports something missing; .ci/run runs it always. QEMU comes from bookworm-backports
# because Debian 12's QEMU 7.2 reports a wrong #GP error code for INT n in long
# mode (QEMU issue #1382), which breaks PV soft-interrupt handling.
set -euo pipefail

QEMU_MIN_MAJOR=8
# package:command pairs; an empty command means "check with dpkg only".
PKGS=(
  gcc:gcc make:make nasm:nasm python3:python3 binutils:ld
  grub-pc-bin: grub-common:grub-mkrescue xorriso:xorriso mtools:mformat
  libcmocka-dev: clang:clang xenstore-utils:xenstore-read gdb:gdb
  cpio:cpio
)

CHECK_ONLY=0
[ "${1:-}" = "--check" ] && CHECK_ONLY=1

say() { printf 'setup: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      die "missing packages ($*) and not root; install them by hand: apt-get install $*"
    fi
  else SUDO=; fi
}

missing=()
for pc in "${PKGS[@]}"; do
  pkg=${pc%%:*}; cmd=${pc#*:}
  if [ -n "$cmd" ]; then command -v "$cmd" >/dev/null 2>&1 && continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' && continue
  missing+=("$pkg")
done

qemu_major() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo 0; return; }
  qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -1
}

updated=0
apt_update() { [ $updated = 1 ] || { $SUDO apt-get update -qq || die "apt-get update failed"; updated=1; }; }

if [ $CHECK_ONLY = 1 ]; then
  [ ${#missing[@]} -eq 0 ] && [ "$(qemu_major)" -ge $QEMU_MIN_MAJOR ] && exit 0
  say "missing: ${missing[*]:-} $([ "$(qemu_major)" -ge $QEMU_MIN_MAJOR ] || echo "qemu-system-x86>=$QEMU_MIN_MAJOR")"
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  need_root "${missing[*]}"
  say "installing: ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
fi

if [ "$(qemu_major)" -lt $QEMU_MIN_MAJOR ]; then
  need_root qemu-system-x86
  src=/etc/apt/sources.list.d/bookworm-backports.sources
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # Reuse the mirror of the machine's existing Debian entry.
    uri=$(grep -rhs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
    [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
    [ -n "$uri" ] || uri=http://deb.debian.org/debian
    say "enabling bookworm-backports from $uri"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" | $SUDO tee "$src" >/dev/null
    updated=0
  fi
  apt_update
  say "installing qemu-system-x86 from bookworm-backports"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports qemu-system-x86 qemu-system-data ipxe-qemu seabios \
    || die "could not install qemu-system-x86 >= $QEMU_MIN_MAJOR from bookworm-backports"
  [ "$(qemu_major)" -ge $QEMU_MIN_MAJOR ] || die "qemu-system-x86_64 is older than $QEMU_MIN_MAJOR.0 after install"
fi
exit 0
