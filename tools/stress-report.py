#!/usr/bin/env python3
"""Table of make stress results: one row per scenario, a column per kernel.

usage: stress-report.py --secs N RESULTS_DIR...   (patched first)
Exit 1 if the first kernel (patched) failed a scenario, did not finish, or
logged a kernel problem (summarize.py's patterns) anywhere in its console."""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import KERNEL_PROBLEM, read_lines  # noqa: E402

RESULT = re.compile(r'^(ok|not ok) \d+ (\S+)(?: # (.*))?$')


def load(d):
    res = {}
    for line in read_lines(os.path.join(d, 'stress.ktap')) or []:
        m = RESULT.match(line)
        if m:
            res[m.group(2)] = (m.group(1), m.group(3) or '')
    problems = []
    for f in ('console.log', 'dmesg.txt'):
        for line in read_lines(os.path.join(d, f)) or []:
            if KERNEL_PROBLEM.match(line) and line.strip() not in problems:
                problems.append(line.strip())
    done = 'done' in (read_lines(os.path.join(d, 'status')) or [])
    return res, problems, done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--secs', required=True)
    ap.add_argument('dirs', nargs='+')
    args = ap.parse_args()
    kernels = [(os.path.basename(d), *load(d)) for d in args.dirs]
    names = []
    for _, res, _, _ in kernels:
        names += [n for n in res if n not in names]
    print(f'make stress: {args.secs} s per scenario, debug kernels (configs/debug.config)')
    print(f'{"scenario":14s}' + ''.join(f' {k:58s}' for k, *_ in kernels))
    for n in names:
        row = f'{n:14s}'
        for _, res, _, _ in kernels:
            verdict, info = res.get(n, ('-', 'did not run'))
            row += f' {(verdict + ": " + info)[:58]:58s}'
        print(row)
    bad = False
    for i, (k, res, problems, done) in enumerate(kernels):
        print(f'{k}: {"finished" if done else "DID NOT FINISH"}, '
              f'{len(problems)} kernel problem line(s) in the console')
        for p in problems[:10]:
            print(f'  {p}')
        if i == 0:
            bad = not done or bool(problems) or not res or \
                any(v == 'not ok' for v, _ in res.values())
    print('stress: ' + ('FAILED' if bad else 'passed') + f' ({kernels[0][0]})')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
