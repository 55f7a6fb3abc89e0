#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-cycles.test: 100 create/destroy cycles, exact reclaim."""
import re
import time
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


CYCLES = 100


def test(d):
    start = d.ok("info")
    free0 = re.search(r"^free_pages\s+: (\d+)$", start, re.M).group(1)
    # dom0 keeps the page tables of its mapping window once made: its heap
    # is compared from after the first cycle.
    heap0 = None
    t0 = time.monotonic()
    for i in range(CYCLES):
        if i == 1:
            heap0 = re.search(r"^dom0_heap\s+: (.*)$", xlctl.Control.run(d, "info")[1],
                              re.M).group(1)
        rc, text = xlctl.Control.run(d, "create ticker")  # quietly: no transcript
        if rc:
            raise Fail("cycle %d: create: %s" % (i, text.strip()))
        rc, text = xlctl.Control.run(d, "destroy ticker")
        if rc:
            raise Fail("cycle %d: destroy: %s" % (i, text.strip()))
    print("# %d cycles in %.1f s" % (CYCLES, time.monotonic() - t0), flush=True)
    end = d.ok("info", r"^nr_domains\s+: 1$", r"^dom0_foreign_mappings\s+: 0$")
    free1 = re.search(r"^free_pages\s+: (\d+)$", end, re.M).group(1)
    heap1 = re.search(r"^dom0_heap\s+: (.*)$", end, re.M).group(1)
    if free1 != free0:
        raise Fail("free pages %s before the cycles, %s after" % (free0, free1))
    if heap1 != heap0:
        raise Fail("dom0 heap '%s' before the cycles, '%s' after" % (heap0, heap1))
    d.ok("list", r"^Domain-0")
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
