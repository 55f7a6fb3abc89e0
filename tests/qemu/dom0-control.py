#!/usr/bin/env python3
"""Driver of tests/qemu/dom0-control.test: the verbs on the control channel."""
import json
import re
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))),
                                "lib"))
from xlctl_load import xlctl, Fail  # noqa: E402


def test(d):
    d.ok("help", r"^  create <config> \[-c\]", r"^  console <domain>", r"^  poweroff")
    d.ok("help list", r"^usage: list \[-l\] \[domain\.\.\.\]$")
    d.expect("help nosuch", 1, r"no verb 'nosuch'")
    d.expect("frobnicate", 2, r"^frobnicate: no such verb")
    d.expect("list -x", 2, r"^usage: list")
    d.expect("create", 2, r"^usage: create <config> \[-c\]")
    d.expect("pause", 2, r"^usage: pause <domain>")
    d.ok("", )  # an empty line: nothing to do, status 0
    d.ok("# a comment")

    d.ok("list", r"^Name\s+ID\s+Mem\s+VCPUs\s+State\s+Time\(s\)$",
         r"^Domain-0\s+0\s+\d+\s+1\s+r-----\s+\d+\.\d$")
    d.ok("list 0", r"^Domain-0\s+0\s")
    d.ok("list Domain-0", r"^Domain-0\s+0\s")
    d.expect("list nosuch", 1, r"domain 'nosuch' does not exist")
    doms = json.loads(d.ok("list -l"))
    if len(doms) != 1 or doms[0]["domid"] != 0 or doms[0]["name"] != "Domain-0" \
            or not doms[0]["privileged"] or doms[0]["memory_kb"] <= 0:
        raise Fail("list -l: unexpected %r" % doms)

    text = d.ok("info", r"^host\s+: xenolith$", r"^nr_cpus\s+: 2$", r"^free_pages\s+: \d+$",
                r"^domctl_interface\s+: 0x584c0001$", r"^nr_domains\s+: 1$")
    total = int(re.search(r"^total_memory\s+: (\d+)$", text, re.M).group(1))
    free = int(re.search(r"^free_memory\s+: (\d+)$", text, re.M).group(1))
    if not 0 < free < total:
        raise Fail("info: free_memory %d, total_memory %d" % (free, total))

    d.ok("dmesg", r"Xenolith hypervisor", r"Domain-0: domain 0")
    d.ok("dmesg -c", r"Xenolith hypervisor")
    rc, text = d.run("dmesg")
    if rc or "Xenolith hypervisor" in text:
        raise Fail("dmesg after dmesg -c showed the old log again")
    d.expect("dmesg -x", 2, r"^usage: dmesg")

    d.expect("destroy 0", 1, r"domain 0 cannot be destroyed")
    d.expect("pause Domain-0", 1, r"would stop this shell")
    d.expect("shutdown 0", 1, r"use 'poweroff'")
    d.expect("destroy nosuch", 1, r"^destroy: domain 'nosuch' does not exist$")
    d.expect("unpause 7", 1, r"domain '7' does not exist")
    d.expect("console 0", 1, r"no console served by dom0")

    # Reply lines that look like the terminator arrive escaped and come back intact.
    d.ok("echo %% rc=7", r"^%% rc=7$")
    d.ok("echo %%%x", r"^%%%x$")
    d.ok("echo '%' two", r"^% two$")
    d.expect('echo "unterminated', 2, r"unterminated quote")
    d.expect("echo " + "x" * 600, 2, r"longer than 511 characters")
    d.ok("echo still here", r"^still here$")
    d.ok("poweroff")


if __name__ == "__main__":
    sys.exit(xlctl.main_driver(test))
