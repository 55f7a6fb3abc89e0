#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-errors.test: what create refuses, and how it says so."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


def test(d):
    free0 = int(d.info("free_pages"))
    d.expect("create nosuch", 1, r"^error: nosuch: no such file in the ramdisk$")
    d.expect("create configs/broken/syntax.cfg", 1,
             r"^error: configs/broken/syntax.cfg:4: memory: expected an integer")
    d.expect("create broken/no-name", 1, r"configs/broken/no-name.cfg: name: required")
    d.expect("create broken/missing-kernel", 1,
             r"^configs/broken/missing-kernel.cfg: kernel: 'guests/nope.elf': "
             r"no such file in the ramdisk$")
    d.expect("create broken/not-a-kernel", 1, r"^error: cannot create domain 'notelf': ")
    d.expect("create broken/too-big", 1, r"^error: cannot create domain 'huge': ")
    d.ok("create ticker")
    d.expect("create ticker", 1, r"name: domain 'ticker' already exists")
    d.expect("create ticker -c -c extra", 2, r"^usage: create")
    d.ok("list", r"^ticker\s")
    d.ok("destroy ticker")
    d.ok("info", r"^nr_domains\s+: 1$", r"^dom0_foreign_mappings\s+: 0$")
    free1 = int(d.info("free_pages"))
    if free1 != free0:
        raise Fail("free pages %d at the start, %d at the end" % (free0, free1))
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
