#!/usr/bin/env python3
"""Xenolith test runner: every tier, one line per test, one closing line.

Tiers:
  unit  CMocka binaries under BUILD/tests/unit/<component>/ (each test case is
        one test, read from CMocka's TAP output);
  host  executables tests/host/* (scripts driving host tools such as Debian's
        xenstore-utils against our daemons); run with BUILD and TOP in the
        environment, they print TAP lines "ok N - name" / "not ok N - name";
  qemu  spec files tests/qemu/*.test, each a fresh QEMU boot whose serial output
        and exit code are checked;
  guest the XTF-style test guests (tests/guests/<name>/, tests/lib/guests.py),
        each booted as the initial domain of Xenolith in a fresh QEMU and judged
        by its last "Test result:" line and how it shut down (the same guests
        pass on Xen 4.17: make test-xen).

The last line is always "N passed, N failed". A run that executes no test, or
where any test fails, exits non-zero.

Spec file format (tests/qemu/*.test), one "key: value" per line:
  desc:    what the test checks (shown on failure)
  boot:    kernel (default: QEMU -kernel, multiboot1) or iso:<path under BUILD>
  append:  hypervisor command line
  module:  <path> [command line]        (repeatable; path relative to the repo
                                          or to BUILD when it starts with BUILD/)
  expect:  <regex>   must match a serial line after the previous expect's line
  reject:  <regex>   must match no serial line
  input:   <text>    typed on the serial console, with a newline (repeatable;
                     QEMU takes it as the UART can receive it)
  driver:  <path>    a Python script run alongside QEMU, given one argument: the
                     Unix socket QEMU connects COM2 to (dom0's control channel,
                     scripts/xlctl); a non-zero exit fails the test, and its
                     output goes to the log after QEMU's
  exit:    poweroff | panic | reboot | crash | triple-fault | <number>
  timeout: seconds (default 60)
  memory:  MiB (default 256);  smp: CPUs (default 2);  cpu: QEMU -cpu model
"""
import argparse
import concurrent.futures as cf
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "lib"))
import xqemu  # noqa: E402
import guests  # noqa: E402

GUEST_HV_ARGS = "dom0_mem=64M loglvl=info"
SHUTDOWN_OF_EXIT = {xqemu.EXIT_CODES["poweroff"]: "poweroff", xqemu.EXIT_CODES["crash"]: "crash",
                    xqemu.EXIT_CODES["reboot"]: "reboot"}


class Result:
    def __init__(self, name, ok, detail="", secs=0.0, skipped=False):
        self.name, self.ok, self.detail, self.secs = name, ok, detail, secs
        self.skipped = skipped


# ---------------------------------------------------------------- unit tier
TAP_RE = re.compile(r"^(ok|not ok) \d+ - (\S+)(.*)$")


def run_unit_binary(path, build):
    rel = os.path.relpath(path, os.path.join(build, "tests"))
    return run_tap(path, rel, build)


def run_host_script(path, build):
    rel = "host/" + os.path.basename(path)
    return run_tap(path, rel, build)


def run_tap(path, rel, build):
    """Run one executable that reports TAP lines; each line is one test."""
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP", BUILD=build, TOP=TOP,
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    t0 = time.time()
    try:
        p = subprocess.run([path], capture_output=True, text=True, timeout=300, env=env)
        out, rc = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        return [Result(rel, False, "timed out after 300 s")]
    secs = time.time() - t0
    results, seen_fail = [], False
    for line in out.splitlines():
        m = TAP_RE.match(line)
        if m:
            ok = m.group(1) == "ok"
            seen_fail |= not ok
            results.append(Result("%s/%s" % (rel, m.group(2)), ok,
                                  "" if ok else (m.group(3).strip() or "failed"), secs))
    if not results:
        results.append(Result(rel, False, "no test cases reported (rc=%d)\n%s" % (rc, out[-2000:])))
    elif rc != 0 and not seen_fail:
        # A sanitizer report or crash after the last case: the binary as a whole fails.
        results.append(Result(rel + "/<process>", False, "exit %d\n%s" % (rc, out[-3000:])))
    log_failures(build, rel, out, results)
    return results


def log_failures(build, rel, out, results):
    if all(r.ok for r in results):
        return
    d = os.path.join(build, "tests", "logs")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, rel.replace("/", "_") + ".log"), "w") as f:
        f.write(out)


def host_scripts():
    d = os.path.join(TOP, "tests", "host")
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if os.access(os.path.join(d, f), os.X_OK) and not f.startswith("."))


def unit_tests(build):
    root = os.path.join(build, "tests", "unit")
    found = []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            if f.startswith("test_") and "." not in f and os.access(p, os.X_OK):
                found.append(p)
    return sorted(found)


# ---------------------------------------------------------------- qemu tier
def parse_spec(path):
    spec = {"expect": [], "reject": [], "module": [], "input": [], "boot": "kernel",
            "append": "", "exit": "poweroff", "timeout": "60", "memory": "256",
            "smp": "2", "cpu": "max", "desc": "", "driver": ""}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if ":" not in line:
                raise ValueError("%s:%d: expected 'key: value'" % (path, n))
            k, v = line.split(":", 1)
            k, v = k.strip(), v.strip()
            if k in ("expect", "reject", "module", "input"):
                spec[k].append(v)
            elif k in spec:
                spec[k] = v
            else:
                raise ValueError("%s:%d: unknown key '%s'" % (path, n, k))
    return spec


def resolve(path, build):
    if path.startswith("BUILD/"):
        return os.path.join(build, path[len("BUILD/"):])
    return os.path.join(TOP, path)


def run_qemu_spec(path, build):
    name = "qemu/" + os.path.splitext(os.path.basename(path))[0]
    try:
        spec = parse_spec(path)
    except (OSError, ValueError) as e:
        return [Result(name, False, str(e))]
    modules = []
    for m in spec["module"]:
        parts = m.split(None, 1)
        modules.append((resolve(parts[0], build), parts[1] if len(parts) > 1 else ""))
    iso = None
    if spec["boot"].startswith("iso:"):
        iso = resolve("BUILD/" + spec["boot"][4:], build)
    serial, tmpdir, sock = ("stdio",), None, None
    if spec["driver"]:
        tmpdir = tempfile.mkdtemp(prefix="xenolith-")
        sock = os.path.join(tmpdir, "control.sock")
        serial = ("stdio", "unix:%s,server=on,wait=off" % sock)
    cmd = xqemu.command(kernel=os.path.join(build, "xenolith.bin"), append=spec["append"],
                        modules=modules, iso=iso, memory=int(spec["memory"]),
                        smp=int(spec["smp"]), cpu=spec["cpu"], serial=serial)
    t0 = time.time()
    # input: lines are typed on the serial console (COM1), each ending in a newline.
    typed = "".join(line + "\n" for line in spec["input"]).encode()
    driver = None
    if spec["driver"]:
        out, err, rc, driver = run_with_driver(cmd, typed, resolve(spec["driver"], build), sock,
                                               build, float(spec["timeout"]))
        shutil.rmtree(tmpdir, ignore_errors=True)
    else:
        try:
            p = subprocess.run(cmd, input=typed if spec["input"] else None,
                               stdin=None if spec["input"] else subprocess.DEVNULL,
                               capture_output=True, timeout=float(spec["timeout"]))
            out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
            err = p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace")
            rc, err = None, ""
    secs = time.time() - t0
    logdir = os.path.join(build, "tests", "logs")
    os.makedirs(logdir, exist_ok=True)
    logfile = os.path.join(logdir, name.replace("/", "_") + ".log")
    with open(logfile, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + out + ("\n--- stderr ---\n" + err if err else ""))
        if driver:
            f.write("\n--- driver %s (exit %s) ---\n%s" % (spec["driver"], driver[1], driver[0]))
    problems = check_output(spec, out, rc)
    if driver and driver[1] != 0:
        last = [l for l in driver[0].splitlines() if l.strip()][-1:] or ["no output"]
        problems.append("driver %s: %s" % ("timed out" if driver[1] is None else
                                           "exit %d" % driver[1], last[0][:200]))
    if err.strip() and rc not in xqemu.EXIT_NAMES:
        problems.append("qemu: " + err.strip()[:300])
    detail = ""
    if problems:
        detail = "; ".join(problems) + " (log: %s)" % os.path.relpath(logfile, TOP)
    return [Result(name, not problems, detail, secs)]


def run_with_driver(cmd, typed, driver, sock, build, timeout):
    """Boot QEMU with COM2 on sock and run the driver script against it.
    Returns (qemu stdout, qemu stderr, qemu exit code, (driver output, driver exit))."""
    deadline = time.time() + timeout
    with tempfile.TemporaryFile() as qout, tempfile.TemporaryFile() as qerr:
        q = subprocess.Popen(cmd, stdin=subprocess.PIPE if typed else subprocess.DEVNULL,
                             stdout=qout, stderr=qerr)
        if typed:
            q.stdin.write(typed)
            q.stdin.close()
        env = dict(os.environ, BUILD=build, TOP=TOP)
        try:
            d = subprocess.run([sys.executable, driver, sock], stdin=subprocess.DEVNULL,
                               capture_output=True, env=env, timeout=timeout)
            dres = ((d.stdout + d.stderr).decode("utf-8", "replace"), d.returncode)
        except subprocess.TimeoutExpired as e:
            dres = ((e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)", None)
        # A driver that failed will not end the machine: do not wait for the timeout.
        wait = max(1.0, deadline - time.time()) if dres[1] == 0 else 2.0
        try:
            rc = q.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            q.kill()
            q.wait()
            rc = None
        qout.seek(0)
        qerr.seek(0)
        return (qout.read().decode("utf-8", "replace"), qerr.read().decode("utf-8", "replace"),
                rc, dres)


def check_output(spec, out, rc):
    problems = []
    lines = out.replace("\r", "").splitlines()
    pos = 0
    for pat in spec["expect"]:
        rx = re.compile(pat)
        for i in range(pos, len(lines)):
            if rx.search(lines[i]):
                pos = i + 1
                break
        else:
            problems.append("missing /%s/" % pat)
            break
    for pat in spec["reject"]:
        rx = re.compile(pat)
        hit = next((l for l in lines if rx.search(l)), None)
        if hit is not None:
            problems.append("unexpected line: %s" % hit.strip()[:120])
    want = spec["exit"]
    want_rc = xqemu.EXIT_CODES.get(want, None)
    if want_rc is None:
        want_rc = int(want, 0)
    if rc != want_rc:
        problems.append("exit %s, wanted %s" % (xqemu.exit_name(rc), want))
    return problems


def run_guest(g, build):
    name = "guest/" + g.name
    why = g.skipped("xenolith")
    if why:
        return [Result(name, True, "skipped: " + why, skipped=True)]
    cmd = xqemu.command(kernel=os.path.join(build, "xenolith.bin"), append=GUEST_HV_ARGS,
                        modules=[(g.elf(build), g.cmdline)], memory=g.memory,
                        smp=max(g.smp, 1), serial=("stdio",))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=g.timeout)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), None
    logdir = os.path.join(build, "tests", "logs")
    os.makedirs(logdir, exist_ok=True)
    logfile = os.path.join(logdir, name.replace("/", "_") + ".log")
    with open(logfile, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + out)
    ok, detail = guests.judge(g, "xenolith", out, SHUTDOWN_OF_EXIT.get(rc, xqemu.exit_name(rc)),
                              hv_prefix="(XL)")
    if not ok:
        detail += " (log: %s)" % os.path.relpath(logfile, TOP)
    return [Result(name, ok, detail, time.time() - t0)]


def qemu_specs():
    d = os.path.join(TOP, "tests", "qemu")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".test"))


def job_name(fn, arg):
    if fn is run_qemu_spec:
        return "qemu/" + os.path.splitext(os.path.basename(arg))[0]
    if fn is run_guest:
        return "guest/" + arg.name
    return "host/" + os.path.basename(arg)


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--tier", choices=("unit", "host", "qemu", "guest", "all"), default="all")
    ap.add_argument("--only", help="glob on test names, e.g. 'qemu/boot-*'")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-v", action="store_true", help="print failure details in full")
    args = ap.parse_args()
    build = os.path.abspath(args.build)

    jobs = []
    if args.tier in ("unit", "all"):
        jobs += [(run_unit_binary, p) for p in unit_tests(build)]
    if args.tier in ("host", "all"):
        jobs += [(run_host_script, p) for p in host_scripts()]
    if args.tier in ("qemu", "guest", "all"):
        err = xqemu.check_qemu()
        if err:
            print("FAIL qemu: " + err)
            print("0 passed, 1 failed")
            return 1
        if args.tier in ("qemu", "all"):
            jobs += [(run_qemu_spec, p) for p in qemu_specs()]
        if args.tier in ("guest", "all"):
            jobs += [(run_guest, g) for g in guests.load()]

    def selected(r):
        # A test binary's cases are selected by the binary's name as well.
        return not args.only or fnmatch.fnmatch(r.name, args.only) or \
            fnmatch.fnmatch(r.name.rsplit("/", 1)[0], args.only)

    passed = failed = skipped = 0
    t0 = time.time()
    with cf.ThreadPoolExecutor(max_workers=max(1, args.j)) as ex:
        futs = []
        for fn, p in jobs:
            if args.only and fn is not run_unit_binary and \
                    not fnmatch.fnmatch(job_name(fn, p), args.only):
                continue
            futs.append(ex.submit(fn, p, build))
        for fut in futs:
            for r in fut.result():
                if not selected(r):
                    continue
                if r.skipped:
                    skipped += 1
                    print("SKIP %s: %s" % (r.name, r.detail))
                elif r.ok:
                    passed += 1
                    print("PASS %s%s" % (r.name, " (%.1fs)" % r.secs if r.secs >= 1 else ""))
                else:
                    failed += 1
                    d = r.detail if args.v else r.detail.split("\n")[0][:400]
                    print("FAIL %s: %s" % (r.name, d))
                sys.stdout.flush()
    print("# %.0f s" % (time.time() - t0))
    if passed + failed == 0:
        print("no tests were run")
        print("0 passed, 1 failed")
        return 1
    print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
