#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-xenstore.test: xenstore inside dom0."""
import re
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


def test(d):
    d.ok("xenstore-ls /local/domain/0", r'^name = "Domain-0"$', r'^domid = "0"$')
    d.ok("create startinfo")
    dom = int(d.ok("list startinfo").strip().splitlines()[1].split()[1])
    home = "/local/domain/%d" % dom
    d.ok("xenstore-ls " + home, r'^name = "startinfo"$', r'^domid = "%d"$' % dom,
         r'^memory = ""$', r'^ target = "12288"$', r'^console = ""$', r'^ ring-ref = "\d+"$',
         r'^ port = "\d+"$', r'^store = ""$', r'^control = ""$', r'^ shutdown = ""$',
         r'^data = ""$', r'^device = ""$')
    # The guest's own checks (over its ring: its home, permissions) and what it wrote.
    d.wait_state("startinfo", lambda s: s is not None and s[3] == "s", "shut down", timeout=30)
    text, m = d.wait_console("startinfo", r"^Test result: (\w+)$")
    if m.group(1) != "SUCCESS":
        raise Fail("startinfo's checks failed (its console is above)")
    d.ok("xenstore-read %s/data/greeting" % home, r"^hello from startinfo$")

    # dom0's own requests.
    d.ok("xenstore-write /tool/x 1 /tool/y 'two words'")
    d.ok("xenstore-read /tool/x /tool/y", r"^1\ntwo words$")
    d.ok("xenstore-ls /tool", r'^x = "1"$', r'^y = "two words"$')
    d.ok("xenstore-rm /tool")
    d.expect("xenstore-read /tool/x", 1, r"^xenstore-read: /tool/x: no such node$")
    d.expect("xenstore-write /tool/x", 2, r"^usage: xenstore-write")
    d.expect("xenstore-read", 2, r"^usage: xenstore-read")

    # Destroyed: its nodes and its connection go with it.
    d.ok("destroy startinfo")
    d.expect("xenstore-ls " + home, 1, r"no such node")
    rc, text = d.run("xenstore-ls /local/domain")
    if rc or re.search(r"^ %d = " % dom, text, re.M):
        raise Fail("domain %d's nodes are still there" % dom)
    d.ok("info", r"^dom0_foreign_mappings\s+: 0$")
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
