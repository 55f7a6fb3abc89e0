#!/usr/bin/env bash
# Boot Xenolith in QEMU with its serial console on this terminal.
# usage: run.sh [--gdb] xenolith.bin "hypervisor cmdline" [MODULE "module cmdline"]...
# Quit QEMU with Ctrl-A X. With --gdb QEMU waits for a debugger on :1234.
# KVM=1 uses KVM, but only where the CPU shows svm or vmx (see DESIGN.md 4).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/../tests/lib/xqemu.py" run "$@"
