#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-crash.test: a crashing guest is reaped, another lives."""
import re
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


def test(d):
    # Two domains at once grow the hypervisor's heap once for good (it keeps
    # the frames of its small-object classes): reach that, then count exactly.
    d.ok("create ticker")
    d.ok("create alpha")
    d.ok("destroy ticker")
    d.ok("destroy alpha")
    free0 = int(d.info("free_pages"))

    d.ok("create ticker")
    d.wait_console("ticker", r"^ticker: tick 1$")
    d.ok("create crasher")
    d.wait_state("crasher", lambda s: s is None, "reaped")
    text, m = d.wait_console("ticker", r"^ticker: tick (\d+)$")
    n = int(re.findall(r"^ticker: tick (\d+)$", text, re.M)[-1])
    d.wait_console("ticker", r"^ticker: tick %d$" % (n + 2))
    d.ok("list", r"^ticker\s+\d+\s+8\s+1\s+[-rb]{2}----")
    d.expect("list crasher", 1, r"does not exist")

    d.ok("destroy ticker")
    d.ok("info", r"^nr_domains\s+: 1$", r"^dom0_foreign_mappings\s+: 0$")
    free1 = int(d.info("free_pages"))
    if free1 != free0:
        raise Fail("free pages %d at the start, %d at the end" % (free0, free1))
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
