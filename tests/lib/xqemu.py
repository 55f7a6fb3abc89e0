"""How Xenolith is started under QEMU: one place for the command line, the exit
codes and the version check, used by the test runner, the benchmarks and
`make run`.

The hypervisor ends QEMU through the isa-debug-exit device: writing v to port
0xf4 makes QEMU exit with status (v << 1) | 1. The values are fixed in
hypervisor/include/hv/shutdown.h. A triple fault with -no-reboot makes QEMU
exit 0, which is therefore never a success.
"""
import os
import re
import shutil
import subprocess

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
QEMU_MIN_MAJOR = 8

EXIT_CODES = {
    "poweroff": (0x10 << 1) | 1,
    "panic": (0x11 << 1) | 1,
    "reboot": (0x12 << 1) | 1,
    "crash": (0x13 << 1) | 1,
    "triple-fault": 0,
}
EXIT_NAMES = {v: k for k, v in EXIT_CODES.items()}


def exit_name(rc):
    if rc is None:
        return "timeout"
    return EXIT_NAMES.get(rc, "rc=%d" % rc)


def qemu_version():
    """(major, minor) of the QEMU on PATH, or None."""
    if not shutil.which(QEMU):
        return None
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_qemu():
    """Return an error string if QEMU is missing or too old for TCG runs."""
    v = qemu_version()
    if v is None:
        return "%s not found: run scripts/setup.sh" % QEMU
    if v[0] < QEMU_MIN_MAJOR:
        return ("%s is %d.%d; Xenolith needs %d.0 or newer under TCG "
                "(QEMU 7.2 reports a wrong #GP error code for INT n, QEMU issue "
                "#1382): run scripts/setup.sh" % (QEMU, v[0], v[1], QEMU_MIN_MAJOR))
    return None


def kvm_usable():
    """KVM only where the CPU really has hardware virtualisation (DESIGN.md 4)."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return os.path.exists("/dev/kvm") and re.search(r"\b(svm|vmx)\b", flags) is not None


def command(kernel=None, append="", modules=(), iso=None, memory=256, smp=2,
            serial=("stdio",), extra=(), gdb=False, accel="tcg", cpu="max"):
    """Build a QEMU command line.

    kernel: the hypervisor's flat multiboot image (QEMU -kernel, multiboot1).
    modules: list of (path, cmdline) boot modules (-initrd, comma separated).
    iso: boot a GRUB ISO instead of -kernel.
    serial: one entry per serial port (COM1 first).
    """
    cmd = [QEMU, "-machine", "q35", "-accel", accel, "-cpu", cpu,
           "-m", str(memory), "-smp", str(smp), "-display", "none",
           "-no-reboot", "-monitor", "none", "-nodefaults",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    for s in serial:
        cmd += ["-serial", s]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        cmd += ["-kernel", kernel]
        if append:
            cmd += ["-append", append]
        if modules:
            # QEMU splits -initrd on commas; a comma inside a module's command
            # line is written as ",,".
            parts = []
            for path, args in modules:
                s = path + ((" " + args) if args else "")
                parts.append(s.replace(",", ",,"))
            cmd += ["-initrd", ",".join(parts)]
    if gdb:
        cmd += ["-s", "-S"]
    cmd += list(extra)
    return cmd


def main(argv):
    """`python3 xqemu.py run [--gdb] KERNEL APPEND [MODULE ARGS]...`: interactive run."""
    import sys
    if len(argv) < 2 or argv[0] != "run":
        sys.exit("usage: xqemu.py run [--gdb] KERNEL APPEND [MODULE ARGS]...")
    args = argv[1:]
    gdb = args and args[0] == "--gdb"
    if gdb:
        args = args[1:]
    if len(args) < 1:
        sys.exit("xqemu: no kernel given")
    kernel, append, rest = args[0], (args[1] if len(args) > 1 else ""), args[2:]
    modules = [(rest[i], rest[i + 1] if i + 1 < len(rest) else "") for i in range(0, len(rest), 2)]
    err = check_qemu()
    if err:
        sys.exit("xqemu: " + err)
    accel = "tcg"
    if os.environ.get("KVM") == "1":
        if kvm_usable():
            accel = "kvm"
        else:
            print("xqemu: KVM=1 ignored: no svm/vmx in /proc/cpuinfo (nested KVM breaks PV "
                  "guests, see DESIGN.md 4); using TCG", file=sys.stderr)
    serial = ("mon:stdio",)
    # dom0's control channel (COM2) on a Unix socket for scripts/xlctl (dom0/build.mk sets it).
    control = os.environ.get("XENOLITH_CONTROL")
    if control:
        serial += ("unix:%s,server=on,wait=off" % control,)
    cmd = command(kernel=kernel, append=append, modules=modules, serial=serial,
                  gdb=gdb, accel=accel, cpu="max" if accel == "tcg" else "host")
    if gdb:
        print("xqemu: waiting for gdb on localhost:1234; in another terminal run:\n"
              "  gdb build/xenolith.elf -ex 'target remote :1234'", file=sys.stderr)
    print("xqemu: %s (quit with Ctrl-A X)" % " ".join(cmd), file=sys.stderr)
    if control:
        print("xqemu: control channel on %s (scripts/xlctl VERB)" % control, file=sys.stderr)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    import sys
    main(sys.argv[1:])
