#!/usr/bin/env bash
# Run Xen's own xenstore test program (test-xenstore, from Debian's
# xen-utils-4.17) and xenstore-control against our hosted xenstored.
# The packages are fetched with apt-get download and unpacked in a cache
# outside the build tree (whose *.d files make reads as dependency files),
# never committed. Usage: xen-tests.sh BUILD
set -euo pipefail
BUILD=$(realpath "${1:-build}")
X=${XDG_CACHE_HOME:-$HOME/.cache}/xenolith/xen-utils-4.17
PKGS="xen-utils-4.17 libxenevtchn1 libxengnttab1 libxenmisc4.17 libxencall1
      libxenforeignmemory1 libxendevicemodel1 libxentoolcore1 libxenhypfs1
      libxentoollog1 libxenstore4"
if [ ! -x "$X/root/usr/lib/xen-4.17/bin/test-xenstore" ]; then
    mkdir -p "$X/debs" "$X/root"
    (cd "$X/debs" && apt-get download $PKGS >/dev/null)
    for d in "$X"/debs/*.deb; do dpkg -x "$d" "$X/root"; done
fi
export LD_LIBRARY_PATH=$X/root/usr/lib/x86_64-linux-gnu
TMP=$(mktemp -d /tmp/xenstore-xen-tests.XXXXXX)
"$BUILD/xenstored" --socket "$TMP/socket" 2>"$TMP/log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -S "$TMP/socket" ] && break; sleep 0.1; done
export XENSTORED_PATH=$TMP/socket
echo "== test-xenstore (Xen's own client tests, through libxenstore)"
"$X/root/usr/lib/xen-4.17/bin/test-xenstore"
echo "== xenstore-control quota / check"
"$X/root/usr/lib/xen-4.17/bin/xenstore-control" quota
"$X/root/usr/lib/xen-4.17/bin/xenstore-control" check
echo "xen-tests: all passed"
