#!/usr/bin/env python3
"""Write random bytes and lengths (0 to 64 KiB) to writable files.

usage: badwrite.py [--pattern REGEX] [--writes N] ROOT...
       badwrite.py --files FILE...
Files under each ROOT whose mode has a write bit (and whose path matches
REGEX) are candidates; N writes (default 20, at most 5 s of them) go to
random ones. A write may
fail with any errno: the kernel must only not misbehave. Prints the errno
counts; exit 0 unless the candidates could not be found."""
import errno
import os
import random
import re
import signal
import stat
import sys
import time

TOKENS = [b'', b'0', b'1', b'-1', b'18446744073709551616', b'\0', b'\n', b'nop',
          b'common_pid == 1', b'0x7fffffff', b'+', b'!', b'%s%n%p']


def candidates(roots, pattern):
    out = []
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for f in files:
                p = os.path.join(dirpath, f)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode) and st.st_mode & 0o222 and \
                        (not pattern or pattern.search(p)):
                    out.append(p)
    return out


def payload():
    r = random.random()
    if r < 0.25:
        return random.choice(TOKENS)
    if r < 0.6:
        n = random.randint(0, 16)
    elif r < 0.85:
        n = random.randint(17, 4096)
    else:
        n = random.randint(4097, 65536)
    return os.urandom(n)


def main():
    args = sys.argv[1:]
    pattern, writes, files = None, 20, None
    while args and args[0].startswith('--'):
        opt = args.pop(0)
        if opt == '--pattern':
            pattern = re.compile(args.pop(0))
        elif opt == '--writes':
            writes = int(args.pop(0))
        elif opt == '--files':
            files = [a for a in args if os.path.exists(a)]
            args = []
        else:
            sys.exit(f'badwrite: unknown option {opt}')
    if files is None:
        files = candidates(args, pattern)
    if not files:
        print('badwrite: no writable files', file=sys.stderr)
        return 1
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError()))
    counts = {}
    end = time.monotonic() + 5
    for _ in range(writes):
        if time.monotonic() > end:
            break
        path = random.choice(files)
        data = payload()
        signal.alarm(10)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            try:
                os.write(fd, data)
                key = 'ok'
            finally:
                os.close(fd)
        except OSError as e:
            key = errno.errorcode.get(e.errno, str(e.errno))
        except TimeoutError:
            key = 'timeout'
            print(f'badwrite: write of {len(data)} bytes to {path} took over 10 s',
                  file=sys.stderr)
        finally:
            signal.alarm(0)
        counts[key] = counts.get(key, 0) + 1
    print(' '.join(f'{k}={v}' for k, v in sorted(counts.items())))
    return 2 if 'timeout' in counts else 0


sys.exit(main())
