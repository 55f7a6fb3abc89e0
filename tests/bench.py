#!/usr/bin/env python3
"""`make bench`: run every benchmark under tests/bench/ and print its figures.

Each benchmark is an executable in tests/bench/ run with BUILD and TOP in the
environment; it prints its own figures (and the command that produced them).
Benchmarks never pass or fail on time: a non-zero exit means the benchmark
itself could not run.
"""
import argparse
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--only", help="run only benchmarks whose file name contains this")
    args = ap.parse_args()
    env = dict(os.environ, BUILD=os.path.abspath(args.build), TOP=TOP)
    d = os.path.join(TOP, "tests", "bench")
    benches = sorted(f for f in os.listdir(d)
                     if os.access(os.path.join(d, f), os.X_OK) and not f.startswith("."))
    bad = 0
    for b in benches:
        if args.only and args.only not in b:
            continue
        print("=== %s" % b, flush=True)
        rc = subprocess.call([os.path.join(d, b)], env=env)
        if rc:
            print("benchmark %s could not run (exit %d)" % (b, rc))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
