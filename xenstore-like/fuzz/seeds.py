#!/usr/bin/env python3
"""Write seed inputs for the xenstore fuzzer (format: see fuzz_wire.c)."""
import os
import struct
import sys

XS = dict(CONTROL=0, DIRECTORY=1, READ=2, GET_PERMS=3, WATCH=4, UNWATCH=5, TXN_START=6,
          TXN_END=7, INTRODUCE=8, RELEASE=9, GET_DOMAIN_PATH=10, WRITE=11, MKDIR=12, RM=13,
          SET_PERMS=14, IS_INTRODUCED=17, RESUME=18, SET_TARGET=19, RESET_WATCHES=21,
          DIRECTORY_PART=22)


def msg(kind, payload, tx=0, req=1):
    return struct.pack("<IIII", XS[kind], req, tx, len(payload)) + payload


def chunk(conn, data, drain=True):
    return bytes([conn | (4 if drain else 0) | 8]) + struct.pack("<H", len(data)) + data


def z(*parts):
    return b"".join(p.encode() + b"\0" for p in parts)


SEEDS = {
    "basic": [(0, msg("WRITE", b"/a/b\0hello")), (0, msg("READ", z("/a/b"))),
              (0, msg("DIRECTORY", z("/a"))), (0, msg("RM", z("/a")))],
    "perms": [(0, msg("WRITE", b"/local/domain/1\0")),
              (0, msg("SET_PERMS", z("/local/domain/1", "n1", "r2"))),
              (1, msg("WRITE", b"x/y\0v")), (2, msg("READ", z("/local/domain/1/x/y"))),
              (1, msg("SET_PERMS", z("x", "n2"))), (0, msg("GET_PERMS", z("/local/domain/1/x")))],
    "watch": [(0, msg("WATCH", z("/w", "t"))), (0, msg("WRITE", b"/w/x\0")),
              (2, msg("WATCH", z("@releaseDomain", "r"))), (0, msg("INTRODUCE", z("5", "99", "3"))),
              (0, msg("RELEASE", z("5"))), (0, msg("UNWATCH", z("/w", "t"))),
              (2, msg("RESET_WATCHES", b"\0"))],
    "txn": [(0, msg("TXN_START", b"\0")), (0, msg("WRITE", b"/t/a\0x", tx=1)),
            (0, msg("RM", z("/t"), tx=1)), (0, msg("MKDIR", z("/t/b"), tx=1)),
            (0, msg("WRITE", b"/t\0y")), (0, msg("TXN_END", z("T"), tx=1))],
    "domain": [(0, msg("INTRODUCE", z("1", "1000", "2"))), (0, msg("SET_TARGET", z("1", "2"))),
               (0, msg("IS_INTRODUCED", z("1"))), (0, msg("RESUME", z("1"))),
               (1, msg("GET_DOMAIN_PATH", z("1"))), (0, msg("CONTROL", z("quota", "1"))),
               (0, msg("CONTROL", z("check"))), (0, msg("DIRECTORY_PART", z("/", "0")))],
    "broken": [(1, struct.pack("<IIII", 2, 1, 0, 5000)), (1, msg("READ", z("/")))],
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, chunks in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(b"".join(chunk(c, d) for c, d in chunks))


if __name__ == "__main__":
    main()
