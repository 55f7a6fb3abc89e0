"""The test guests (tests/guests/<name>/) and how a run of one is judged.

Shared by the Xen 4.17 oracle harness (tests/xen/run.py) and, later, the
Xenolith runner, so that both hold the guests to one definition.

A guest is a directory tests/guests/<name>/ with main.c and an optional
guest.cfg, one "key: value" per line ('#' starts a comment):

  desc:     what the guest checks (one line)
  expect:   SUCCESS (default) | SKIP | ERROR | FAILURE | CRASH
            the last "Test result:" line; CRASH = no such line
  shutdown: poweroff (default) | crash | reboot
            how the guest ends (SCHEDOP_shutdown reason, or a crash by the
            hypervisor); checked where the platform reports it
  cmdline:  the guest's command line (start_info->cmd_line)
  smp:      CPUs for QEMU (default 1)
  memory:   MiB for QEMU (default 256)
  timeout:  seconds (default 60)
  xen:      run (default) | skip <reason>     on Xen 4.17
  xenolith: run (default) | skip <reason>     on Xenolith
  differs:  <explanation>  behaviour that differs from Xen on purpose
            (expect-xen:/expect-xenolith: and shutdown-xen:/shutdown-xenolith:
            then override expect and shutdown per platform; they require it)

The binary is BUILD/tests/guests/<name>.elf.
"""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
GUEST_DIR = os.path.join(TOP, "tests", "guests")

RESULTS = ("SUCCESS", "SKIP", "ERROR", "FAILURE", "CRASH")
SHUTDOWNS = ("poweroff", "crash", "reboot")
RESULT_RE = re.compile(r"Test result: (SUCCESS|SKIP|ERROR|FAILURE)\b")

DEFAULTS = {"desc": "", "expect": "SUCCESS", "shutdown": "poweroff", "cmdline": "",
            "smp": "1", "memory": "256", "timeout": "60", "xen": "run",
            "xenolith": "run", "differs": "", "expect-xen": "", "expect-xenolith": "",
            "shutdown-xen": "", "shutdown-xenolith": ""}


class Guest:
    def __init__(self, name, cfg):
        self.name = name
        self.cfg = cfg
        self.desc = cfg["desc"]
        self.cmdline = cfg["cmdline"]
        self.smp = int(cfg["smp"])
        self.memory = int(cfg["memory"])
        self.timeout = float(cfg["timeout"])
        self.shutdown = cfg["shutdown"]
        self.differs = cfg["differs"]

    def elf(self, build):
        return os.path.join(build, "tests", "guests", self.name + ".elf")

    def expect(self, platform):
        """Expected result on 'xen' or 'xenolith'."""
        return self.cfg.get("expect-" + platform) or self.cfg["expect"]

    def expect_shutdown(self, platform):
        """Expected way of ending on 'xen' or 'xenolith'."""
        return self.cfg.get("shutdown-" + platform) or self.cfg["shutdown"]

    def skipped(self, platform):
        """None, or the reason the guest is not run on this platform."""
        v = self.cfg[platform]
        if v == "run":
            return None
        return v[len("skip"):].strip() or "skipped"


def parse_cfg(path):
    cfg = dict(DEFAULTS)
    if not os.path.exists(path):
        return cfg
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if ":" not in line:
                raise ValueError("%s:%d: expected 'key: value'" % (path, n))
            k, v = (s.strip() for s in line.split(":", 1))
            if k not in DEFAULTS:
                raise ValueError("%s:%d: unknown key '%s'" % (path, n, k))
            cfg[k] = v
    for k in ("expect", "expect-xen", "expect-xenolith"):
        if cfg[k] and cfg[k] not in RESULTS:
            raise ValueError("%s: %s must be one of %s" % (path, k, "|".join(RESULTS)))
    for k in ("shutdown", "shutdown-xen", "shutdown-xenolith"):
        if (cfg[k] or k == "shutdown") and cfg[k] not in SHUTDOWNS:
            raise ValueError("%s: %s must be one of %s" % (path, k, "|".join(SHUTDOWNS)))
    if (cfg["expect-xen"] or cfg["expect-xenolith"] or cfg["shutdown-xen"] or
            cfg["shutdown-xenolith"]) and not cfg["differs"]:
        raise ValueError("%s: a per-platform expectation needs a 'differs:' explanation" % path)
    for k in ("xen", "xenolith"):
        if not (cfg[k] == "run" or cfg[k].startswith("skip")):
            raise ValueError("%s: %s must be 'run' or 'skip <reason>'" % (path, k))
    return cfg


def load(guest_dir=GUEST_DIR):
    """Every guest, sorted by name."""
    out = []
    for name in sorted(os.listdir(guest_dir)):
        d = os.path.join(guest_dir, name)
        if os.path.isfile(os.path.join(d, "main.c")):
            out.append(Guest(name, parse_cfg(os.path.join(d, "guest.cfg"))))
    return out


HV_PREFIXES = ("(XEN)", "(XL)")  # Xen 4.17, Xenolith


def guest_lines(log, hv_prefix=HV_PREFIXES):
    """The guest's own console lines: hypervisor lines and CRs dropped."""
    lines = []
    for line in log.replace("\r", "").split("\n"):
        if hv_prefix and line.startswith(hv_prefix):
            continue
        lines.append(line)
    return lines


def result_of(log, hv_prefix=HV_PREFIXES):
    """The last 'Test result:' word in the guest's output, or CRASH."""
    res = "CRASH"
    for line in guest_lines(log, hv_prefix):
        m = RESULT_RE.search(line)
        if m:
            res = m.group(1)
    return res


def judge(guest, platform, log, shutdown, hv_prefix=HV_PREFIXES):
    """(ok, detail) for one run.  shutdown: the observed reason, or None if
    the platform could not tell."""
    got = result_of(log, hv_prefix)
    want = guest.expect(platform)
    problems = []
    if got != want:
        problems.append("result %s, expected %s" % (got, want))
    want_shutdown = guest.expect_shutdown(platform)
    if shutdown is not None and shutdown != want_shutdown:
        problems.append("shutdown %s, expected %s" % (shutdown, want_shutdown))
    if problems:
        fails = [l.strip() for l in guest_lines(log, hv_prefix)
                 if l.startswith(("Failure:", "Error:", "PANIC:"))]
        if fails:
            problems.append(" | ".join(fails[:3]))
    return (not problems, "; ".join(problems))
