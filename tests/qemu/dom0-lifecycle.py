#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-lifecycle.test: two guests through their lives."""
import re
import time
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


def ticks(d, dom):
    """The last tick number in dom's console output."""
    found = re.findall(r"^%s: tick (\d+)$" % dom, d.console(dom), re.M)
    return int(found[-1]) if found else 0


def domid(d, dom):
    rows = d.ok("list %s" % dom).strip().splitlines()[1:]
    return int(rows[0].split()[1])


def test(d):
    # The hypervisor's heap keeps the frames it carves into small-object
    # classes: with two domains at once it grows once for good. Reach that
    # high-water mark first, then count exactly.
    d.ok("create alpha")
    d.ok("create beta")
    d.ok("destroy alpha")
    d.ok("destroy beta")
    free0 = int(d.info("free_pages"))
    d.ok("create alpha", r"^Parsing config from configs/alpha.cfg$")
    d.ok("create configs/beta.cfg", r"^Parsing config from configs/beta.cfg$")
    d.ok("list", r"^alpha\s+\d+\s+8\s+1\s+[-rb]{2}----", r"^beta\s+\d+\s+8\s+1\s+[-rb]{2}----")
    d.wait_console("alpha", r"^alpha: tick 3$")
    d.wait_console("beta", r"^beta: tick 3$")
    text = d.console("alpha")
    if "--- Xenolith test guest ---" not in text or 'cmdline "tag=alpha period=200"' not in text:
        raise Fail("alpha's console lacks its start-of-day lines")

    # Paused: no progress; unpaused: it goes on.
    d.ok("pause alpha")
    st = d.state("alpha")
    if st is None or st[2] != "p":
        raise Fail("alpha paused but its state is %s" % st)
    t1 = ticks(d, "alpha")
    time.sleep(1.5)
    t2 = ticks(d, "alpha")
    if t2 > t1 + 1:  # at most a line already in flight
        raise Fail("alpha ticked from %d to %d while paused" % (t1, t2))
    d.ok("unpause alpha")
    d.expect("unpause alpha", 1, r"is not paused")
    d.wait_console("alpha", r"^alpha: tick %d$" % (t2 + 3))

    # Console input reaches the guest.
    d.console("alpha", "hello there\n")
    d.wait_console("alpha", r"^alpha: got 'hello there'$")

    # Reboot: on_reboot=restart gives a new domain with the same config.
    old = domid(d, "beta")
    d.ok("reboot beta")
    deadline = time.monotonic() + 20
    while domid(d, "beta") == old:
        if time.monotonic() > deadline:
            raise Fail("beta was not restarted")
        time.sleep(0.2)
    d.wait_console("beta", r"^beta: tick 2$")

    # A crash, preserved; the other domain keeps running.
    d.console("alpha", "crash\n")
    d.wait_state("alpha", lambda s: s is not None and s[4] == "c", "crashed")
    d.wait_console("alpha", r"^alpha: crashing on request$")
    b1 = ticks(d, "beta")
    d.wait_console("beta", r"^beta: tick %d$" % (b1 + 3))
    if d.state("alpha")[4] != "c":
        raise Fail("the crashed alpha is no longer shown crashed")

    # Shut down (destroyed by on_poweroff), destroy the preserved one.
    d.ok("shutdown beta")
    d.wait_state("beta", lambda s: s is None, "gone")
    d.ok("destroy alpha")
    d.expect("list alpha", 1, r"does not exist")
    d.ok("list", r"^Domain-0")
    d.ok("info", r"^nr_domains\s+: 1$", r"^dom0_foreign_mappings\s+: 0$")
    free1 = int(d.info("free_pages"))
    if free1 != free0:
        raise Fail("free pages %d at the start, %d at the end" % (free0, free1))
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
