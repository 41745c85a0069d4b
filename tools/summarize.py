#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one guest test run (build/results/<kernel>/) into a verdict.

Every suite's results are KTAP, parsed with the kernel tree's own parser
(tools/testing/kunit/kunit_parser.py). Besides the suites' own results it
checks that the guest finished every suite, and that the kernel log holds no
oops, BUG, WARN, KASAN, lockdep or similar report.

ftrace selftests are judged against the stock baseline (parity): a case that
passes on stock must pass here; a case that does not pass on stock is counted
as skipped and must have a reason in baselines/ftrace-stock-reasons.txt.
With --stock the run *is* the baseline: it is written to baselines/.

The last line printed is 'N passed, N failed, N skipped'; the exit code is 1 if
anything failed.
"""
import argparse
import io
import os
import re
import sys
import time

# Kernel log lines that mean the kernel itself misbehaved.
KERNEL_PROBLEM = re.compile(
    r'^\[\s*[0-9.]+\]\s*(?:\[\s*[CT]\d+\]\s*)?'
    r'(BUG:|WARNING:|Oops|Kernel panic|kernel BUG at|general protection fault|'
    r'Unable to handle kernel|UBSAN:|KASAN:|KFENCE:|INFO: task .* blocked|'
    r'INFO: rcu_.* detected stall|watchdog: BUG: soft lockup|'
    r'possible circular locking|possible recursive locking|inconsistent lock state|'
    r'suspicious RCU usage|unreferenced object|list_(add|del) corruption|'
    r'ODEBUG:)')

# Suites that run on the host (tools/check.sh, tools/selftest.sh), not in the guest.
HOST_SUITES = {'check', 'harness'}

RESULT_LINE = re.compile(r'^\s*(ok|not ok) (\d+) (?:- )?(.*?)(?: # (.*))?$')


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []      # (suite, text)
        self.notes = []

    def fail(self, suite, text):
        self.failed += 1
        self.failures.append((suite, text))


def load_parser(src):
    path = os.path.join(src, 'tools', 'testing', 'kunit')
    if not os.path.isfile(os.path.join(path, 'kunit_parser.py')):
        sys.exit(f'summarize: no kunit_parser.py under {path}')
    sys.path.insert(0, path)
    import kunit_parser  # pylint: disable=import-outside-toplevel
    return kunit_parser


def parse(kp, lines, quiet=True):
    """Parse KTAP with kunit_parser; returns the root Test.

    kunit_parser prints a result tree as it goes (as kunit.py shows it); its
    printer holds its own reference to stdout, so quiet swaps that out."""
    printer = kp.stdout
    saved = printer._output  # pylint: disable=protected-access
    if quiet:
        printer._output = io.StringIO()  # pylint: disable=protected-access
    try:
        return kp.parse_run_tests(lines)
    finally:
        printer._output = saved  # pylint: disable=protected-access


def leaves(test, prefix=''):
    """Yield (name, status) for every test case (leaf) below test."""
    for sub in test.subtests:
        name = f'{prefix}{sub.name}'
        if sub.subtests:
            yield from leaves(sub, name + '.')
        else:
            yield name, sub.status


def read_lines(path):
    try:
        with open(path, errors='replace') as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return None


def raw_results(lines):
    """name -> raw result word (PASS, FAIL, SKIP, XFAIL, UNRESOLVED, TIMEOUT...)."""
    res = {}
    for line in lines:
        m = RESULT_LINE.match(line)
        if not m:
            continue
        ok, _, name, directive = m.groups()
        word = (directive or '').split(' ')[0].upper()
        if ok == 'ok':
            res[name] = {'': 'PASS', 'SKIP': 'SKIP', 'XFAIL': 'XFAIL',
                         'RETRY-PASS': 'RETRY-PASS'}.get(word, 'PASS')
        else:
            res[name] = word if word in ('UNRESOLVED', 'TIMEOUT') else 'FAIL'
    return res


# suites whose cases are compared with the stock kernel's (baselines/)
PARITY_SUITES = ('ftrace', 'clients', 'badinput')


def suite_generic(kp, tally, suite, lines, show):
    root = parse(kp, lines, quiet=not show)
    n = 0
    for name, status in leaves(root):
        n += 1
        if status == kp.TestStatus.SUCCESS:
            tally.passed += 1
        elif status == kp.TestStatus.SKIPPED:
            tally.skipped += 1
        else:
            tally.fail(suite, f'{name}: {status.name}')
    if n == 0:
        tally.fail(suite, 'no test results (KTAP missing or empty)')
    if root.counts.errors:
        tally.fail(suite, f'{root.counts.errors} KTAP parse error(s)')
    return n


def merge_ktap(parts):
    """One flat KTAP document from the result lines of several (sharded) runs."""
    results = [l for part in parts for l in part if RESULT_LINE.match(l)]
    out = ['KTAP version 1', f'1..{len(results)}']
    for n, line in enumerate(results, 1):
        ok, _, name, directive = RESULT_LINE.match(line).groups()
        out.append(f'{ok} {n} {name}' + (f' # {directive}' if directive else ''))
    return out


def read_table(path):
    """(first field, rest) for each line of a TAB-separated file, without comments."""
    rows = []
    for line in read_lines(path) or []:
        if line.startswith('#') or not line.strip():
            continue
        first, _, rest = line.partition('\t')
        rows.append((first.strip(), rest.strip()))
    return rows


def load_baseline(path):
    """name -> stock result word (the baseline file is 'WORD<TAB>name')."""
    return {name: word for word, name in read_table(path)}


def load_reasons(*paths):
    """name -> why, from the reasons and the exclusion files."""
    return {name: why for path in paths for name, why in read_table(path)}


class Parity:
    """Where a suite compared with stock keeps its baseline and reasons."""

    def __init__(self, suite, baseline, reasons, exclude=None, case=''):
        self.suite, self.baseline, self.reasons = suite, baseline, reasons
        self.exclude, self.case = exclude, case


def parity_of(args, suite):
    if suite == 'ftrace':
        return Parity('ftrace', args.baseline, args.reasons, args.exclude, args.case)
    base = os.path.dirname(args.baseline)
    return Parity(suite, os.path.join(base, f'{suite}-stock.txt'),
                  os.path.join(base, f'{suite}-stock-reasons.txt'))


def suite_parity(kp, tally, lines, args, par):
    """Every case that passes on stock must pass; stock's others need a reason."""
    suite = par.suite
    root = parse(kp, lines)
    raw = raw_results(lines)
    status = dict(leaves(root))
    if not status:
        tally.fail(suite, 'no test results (KTAP missing or empty)')
        return
    retried = [n for n, w in raw.items() if w == 'RETRY-PASS']
    if retried:
        tally.notes.append(f'{suite}: passed only on the retry: {", ".join(sorted(retried))}')

    reasons = load_reasons(*[p for p in (par.reasons, par.exclude) if p])
    if args.stock:
        write_baseline(args, raw, par)
        for name, st in status.items():
            if st == kp.TestStatus.SUCCESS:
                tally.passed += 1
            elif name in reasons:
                tally.skipped += 1
            else:
                tally.fail(suite, f'{name}: {raw.get(name)} on stock, no reason in '
                           f'{os.path.relpath(par.reasons)}')
        return

    base = load_baseline(par.baseline)
    if not base:
        tally.notes.append(f'{suite}: no stock baseline at {os.path.relpath(par.baseline)}: '
                           'every case must pass')
    for name, st in status.items():
        stock = base.get(name)
        if st == kp.TestStatus.SUCCESS:
            tally.passed += 1
            if stock and stock not in ('PASS', 'XFAIL', 'RETRY-PASS'):
                tally.notes.append(f'{suite}: {name} passes here but is {stock} on stock')
        elif stock in (None, 'PASS', 'XFAIL', 'RETRY-PASS'):
            what = 'passes on stock' if stock else 'not in the stock baseline'
            tally.fail(suite, f'{name}: {raw.get(name)} here, {what}')
        else:
            tally.skipped += 1
            if name not in reasons:
                tally.fail(suite, f'{name}: {stock} on stock without a reason in '
                           f'{os.path.relpath(par.reasons)}')
    if not par.case:
        missing = sorted(set(base) - set(status))
        for name in missing:
            tally.fail(suite, f'{name}: in the stock baseline but did not run')


def write_baseline(args, raw, par):
    if par.case:
        tally_note = 'not written: only some cases ran (CASE=...)'
        print(f'{par.suite} baseline {tally_note}')
        return
    os.makedirs(os.path.dirname(par.baseline), exist_ok=True)
    with open(par.baseline, 'w') as f:
        f.write(f'# {par.suite} results on the stock kernel, one case (or instance\n'
                '# variant) per line: PASS, FAIL, UNRESOLVED, SKIP, XFAIL or TIMEOUT.\n'
                f'# Written by "make test STOCK=1" ({args.kernel}); never edit by hand.\n'
                f'# Reasons for every non-PASS are in {os.path.basename(par.reasons)}.\n')
        for name in sorted(raw):
            word = 'PASS' if raw[name] == 'RETRY-PASS' else raw[name]
            f.write(f'{word}\t{name}\n')
    print(f'{par.suite} baseline written to {os.path.relpath(par.baseline)} '
          f'({len(raw)} cases)')


def kernel_log_problems(paths):
    seen = []
    for path in paths:
        lines = read_lines(path) or []
        for line in lines:
            m = KERNEL_PROBLEM.match(line)
            if not m:
                continue
            text = line.strip()
            if text not in seen:
                seen.append(text)
    return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('results', nargs='+',
                    help='results directories of one test run (one per guest; the first also '
                    'holds the host suites)')
    ap.add_argument('--src', required=True, help='kernel source tree (for kunit_parser)')
    ap.add_argument('--suites', default='kunit,ftrace,tracecmd,clients,badinput,kvm,kselftest')
    ap.add_argument('--baseline', required=True)
    ap.add_argument('--reasons', required=True)
    ap.add_argument('--exclude', required=True, help='cases not run, with their reasons')
    ap.add_argument('--stock', action='store_true', help='this run is the stock baseline')
    ap.add_argument('--case', default='', help='only some cases ran')
    ap.add_argument('--kernel', default='', help='kernel description for the baseline header')
    ap.add_argument('--verbose', action='store_true')
    args = ap.parse_args()

    kp = load_parser(args.src)
    tally = Tally()
    dirs = args.results
    suites = [s for s in args.suites.split(',') if s]

    ran = {}
    for d in dirs:
        status = read_lines(os.path.join(d, 'status')) or []
        for l in status:
            if ' rc=' in l:
                ran.setdefault(l.split()[0], []).append(l)
        if 'done' not in status:
            tally.fail('guest', f'the guest of {os.path.basename(d)} did not finish its run '
                       '(crash, hang or timeout): see its console.log')

    for suite in suites:
        before = (tally.passed, tally.failed, tally.skipped)
        if suite not in ran and suite not in HOST_SUITES:
            tally.fail(suite, 'did not run to the end')
        fname = 'kunit.log' if suite == 'kunit' else f'{suite}.ktap'
        found = [l for l in (read_lines(os.path.join(d, fname)) for d in dirs) if l is not None]
        if not found:
            tally.fail(suite, f'no results file {fname}')
        elif suite in PARITY_SUITES:
            suite_parity(kp, tally, merge_ktap(found), args, parity_of(args, suite))
        else:
            suite_generic(kp, tally, suite, found[0], show=args.verbose)
        if any(' rc=124' in l for l in ran.get(suite, [])):
            tally.fail(suite, 'timed out in the guest')
        d = [a - b for a, b in zip((tally.passed, tally.failed, tally.skipped), before)]
        print(f'{suite:9s} {d[0]:4d} passed, {d[1]:3d} failed, {d[2]:3d} skipped')

    problems = kernel_log_problems([os.path.join(d, f) for d in dirs
                                    for f in ('console.log', 'dmesg.txt')])
    for p in problems:
        tally.fail('kernel', p)
    print(f'{"kernel":9s} {"no" if not problems else len(problems)} oops/BUG/WARN/'
          'KASAN/lockdep reports in the log')

    for n in tally.notes:
        print(f'note: {n}')
    for suite, text in tally.failures:
        print(f'FAIL [{suite}] {text}')
    print(f'{tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped')
    return 1 if tally.failed else 0


if __name__ == '__main__':
    sys.exit(main())
