#!/usr/bin/env python3
"""Boot every test guest as the initial domain of real Xen 4.17 (the oracle).

Xen comes from Debian's xen-hypervisor-4.17-amd64 package: `apt-get download`
(after `apt-get update` if apt does not know it), `dpkg -x`, gunzip of
boot/xen-4.17-amd64.gz, cached outside the tree in $XENOLITH_CACHE (default
~/.cache/xenolith)/xen-4.17/.  Each guest gets a fresh QEMU (TCG, QEMU >= 8):

  qemu -kernel xen-4.17 -append "console=com1 ... dom0_mem=64M"
       -initrd "<guest.elf> <guest cmdline>"

QEMU's multiboot loader puts the file name first in the module string and
Xen drops the first word, so the guest sees exactly its command line.  The
run ends when Xen reports what dom0 did (halted / crashed / rebooting) or at
the timeout.  One line per guest, PASS/FAIL/SKIP xen/<name>, then
"N passed, N failed".
"""
import argparse
import concurrent.futures as cf
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import guests  # noqa: E402
import xqemu  # noqa: E402

XEN_PACKAGE = "xen-hypervisor-4.17-amd64"
XEN_GZ = "boot/xen-4.17-amd64.gz"
XEN_APPEND = ("console=com1 loglvl=all guest_loglvl=all noreboot dom0_mem=64M "
              "console_timestamps=none")

# What Xen prints when the hardware domain ends (xen/common/shutdown.c).
XEN_END = [
    (re.compile(r"Hardware Dom0 halted"), "poweroff"),
    (re.compile(r"Hardware Dom0 crashed"), "crash"),
    (re.compile(r"Hardware Dom0 shutdown: rebooting"), "reboot"),
    (re.compile(r"Domain 0 crashed"), "crash"),
]
XEN_PANIC = re.compile(r"Panic on CPU|FATAL TRAP|\*\*\*\* PANIC")


def cache_dir():
    base = os.environ.get("XENOLITH_CACHE") or os.path.join(os.path.expanduser("~"), ".cache",
                                                           "xenolith")
    return os.path.join(base, "xen-4.17")


def fetch_xen(log=print):
    """Path of the Xen 4.17 multiboot image, downloading it once."""
    d = cache_dir()
    xen = os.path.join(d, "xen-4.17")
    if os.path.exists(xen):
        return xen
    os.makedirs(d, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xen-deb-") as tmp:
        def download():
            return subprocess.run(["apt-get", "download", XEN_PACKAGE], cwd=tmp,
                                  capture_output=True, text=True)
        log("xen: fetching %s with apt-get download" % XEN_PACKAGE)
        p = download()
        if p.returncode != 0:
            log("xen: apt-get download failed, running apt-get update")
            subprocess.run(["apt-get", "update"], capture_output=True, text=True)
            p = download()
        debs = glob.glob(os.path.join(tmp, "*.deb"))
        if p.returncode != 0 or not debs:
            raise RuntimeError("apt-get download %s failed: %s" % (XEN_PACKAGE,
                                                                  (p.stderr or p.stdout)[-500:]))
        ex = os.path.join(tmp, "x")
        subprocess.run(["dpkg", "-x", debs[0], ex], check=True)
        gz = os.path.join(ex, XEN_GZ)
        if not os.path.exists(gz):
            raise RuntimeError("%s has no %s" % (os.path.basename(debs[0]), XEN_GZ))
        with open(xen + ".tmp", "wb") as out:
            subprocess.run(["gunzip", "-c", gz], stdout=out, check=True)
        os.rename(xen + ".tmp", xen)
        with open(os.path.join(d, "VERSION"), "w") as f:
            f.write(os.path.basename(debs[0]) + "\n")
    log("xen: cached %s (%s)" % (xen, open(os.path.join(d, "VERSION")).read().strip()))
    return xen


def run_guest(xen, guest, build, logdir):
    """Boot one guest as dom0; returns (ok, detail, secs)."""
    elf = guest.elf(build)
    if not os.path.exists(elf):
        return False, "no %s (make all)" % elf, 0.0
    cmd = xqemu.command(kernel=xen, append=XEN_APPEND, modules=[(elf, guest.cmdline)],
                        memory=guest.memory, smp=guest.smp, serial=("stdio",))
    t0 = time.time()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    state = {"shutdown": None, "panic": False}
    done = threading.Event()

    def reader():
        for raw in iter(p.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            out.append(line)
            if line.startswith("(XEN)"):
                for rx, why in XEN_END:
                    if rx.search(line):
                        state["shutdown"] = why
                        done.set()
                if XEN_PANIC.search(line):
                    state["panic"] = True
        done.set()

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    finished = done.wait(guest.timeout)
    if state["shutdown"]:
        # Let the last lines arrive, then stop QEMU (Xen halts, QEMU stays up).
        time.sleep(0.3)
    if p.poll() is None:
        p.kill()
    p.wait()
    th.join(2)
    secs = time.time() - t0
    log = "".join(out)
    logfile = os.path.join(logdir, "xen_%s.log" % guest.name)
    with open(logfile, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + log)
    if not finished or (state["shutdown"] is None and not state["panic"]):
        ok, detail = guests.judge(guest, "xen", log, None)
        detail = "no end of dom0 seen (timeout %ds)%s" % (guest.timeout,
                                                            ("; " + detail) if detail else "")
        ok = False
    elif state["panic"]:
        ok, detail = False, "Xen panicked"
    else:
        ok, detail = guests.judge(guest, "xen", log, state["shutdown"])
    if not ok:
        detail += " (log: %s)" % os.path.relpath(logfile, TOP)
    return ok, detail, secs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="glob on guest names")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fetch-only", action="store_true", help="only download Xen")
    args = ap.parse_args()
    build = os.path.abspath(args.build)

    try:
        xen = fetch_xen()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print("FAIL xen: could not obtain Xen 4.17: %s" % e)
        print("0 passed, 1 failed")
        return 1
    if args.fetch_only:
        print(xen)
        return 0
    err = xqemu.check_qemu()
    if err:
        print("FAIL xen: " + err)
        print("0 passed, 1 failed")
        return 1

    all_guests = guests.load()
    sel = [g for g in all_guests if not args.only or fnmatch.fnmatch(g.name, args.only)]
    logdir = os.path.join(build, "tests", "logs")
    os.makedirs(logdir, exist_ok=True)
    passed = failed = skipped = 0
    t0 = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        futs = []
        for g in sel:
            why = g.skipped("xen")
            futs.append((g, why, None if why else ex.submit(run_guest, xen, g, build, logdir)))
        for g, why, fut in futs:
            if why:
                skipped += 1
                print("SKIP xen/%s: %s" % (g.name, why))
                continue
            ok, detail, secs = fut.result()
            if ok:
                passed += 1
                print("PASS xen/%s (%.1fs)" % (g.name, secs))
            else:
                failed += 1
                print("FAIL xen/%s: %s" % (g.name, detail))
            sys.stdout.flush()
    print("# %.0f s, Xen from %s" % (time.time() - t0, os.path.dirname(xen)))
    if passed + failed == 0:
        print("no guests were run")
        print("0 passed, 1 failed")
        return 1
    print("%d passed, %d failed%s" % (passed, failed,
                                      (", %d skipped" % skipped) if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
