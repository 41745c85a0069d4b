#!/usr/bin/env python3
"""Read every readable regular file under ROOT whose path matches REGEX.

usage: readall.py ROOT [REGEX]
Prints each failure; exit 1 if any read failed or took over 10 s."""
import os
import re
import signal
import stat
import sys


def main():
    root = sys.argv[1]
    pattern = re.compile(sys.argv[2] if len(sys.argv) > 2 else '.')
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError()))
    n = bad = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            try:
                st = os.lstat(p)
            except OSError as e:
                print(f'readall: stat {p}: {e}')
                bad += 1
                continue
            if not stat.S_ISREG(st.st_mode) or not st.st_mode & 0o444 or \
                    not pattern.search(p):
                continue
            n += 1
            signal.alarm(10)
            try:
                with open(p, 'rb', buffering=0) as fh:
                    while fh.read(65536):
                        pass
            except (OSError, TimeoutError) as e:
                print(f'readall: {p}: {e!r}')
                bad += 1
            finally:
                signal.alarm(0)
    print(f'readall: {root}: {n} files read, {bad} failed')
    return 1 if bad or not n else 0


sys.exit(main())
