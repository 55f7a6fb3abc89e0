#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-errors.test: what create refuses, and how it says so."""
import importlib.machinery
import importlib.util
import os
import sys

# scripts/xlctl has no .py suffix: load it by path (next to this file's repository).
_TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
_loader = importlib.machinery.SourceFileLoader("xlctl", os.path.join(_TOP, "scripts", "xlctl"))
xlctl = importlib.util.module_from_spec(importlib.util.spec_from_loader("xlctl", _loader))
_loader.exec_module(xlctl)
Fail = xlctl.DriverFailure


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
