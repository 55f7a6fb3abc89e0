#!/usr/bin/env bash
# Build a GRUB 2 (BIOS) rescue ISO that boots Xenolith with Multiboot 2.
# usage: mkiso.sh OUT.iso xenolith.bin "hypervisor cmdline" [MODULE "module cmdline"]...
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OUT.iso xenolith.bin CMDLINE [MODULE ARGS]..." >&2; exit 2; }
out=$1 bin=$2 cmdline=$3
shift 3
command -v grub-mkrescue >/dev/null || "$(dirname "$0")/setup.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tmp=$work/iso          # the tree packed into the image; the log stays outside it
mkdir -p "$tmp/boot/grub"
cp "$bin" "$tmp/boot/xenolith.bin"
{
  echo 'set timeout=0'
  echo 'set default=0'
  echo 'serial --unit=0 --speed=115200'
  echo 'terminal_input serial console'
  echo 'terminal_output serial console'
  echo 'menuentry "Xenolith" {'
  echo "    multiboot2 /boot/xenolith.bin $cmdline"
  n=0
  while [ $# -ge 1 ]; do
    mod=$1 args=${2:-}
    shift; [ $# -ge 1 ] && shift
    cp "$mod" "$tmp/boot/module$n"
    echo "    module2 /boot/module$n $args"
    n=$((n + 1))
  done
  echo '    boot'
  echo '}'
} > "$tmp/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$tmp" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
