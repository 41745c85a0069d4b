#!/usr/bin/env python3
"""Fixed bad input to tracefs, one answer per case, for parity with stock.

usage: badinput.py TRACEFS
Prints 'case<TAB>answer' lines: 'ok' or the errno name of each write,
mkdir, rmdir and mount.  The same cases run on stock and patched; the guest
suite "badinput" compares the answers with baselines/badinput-stock.txt.
"""
import errno
import os
import subprocess
import sys

T = sys.argv[1]
INST = os.path.join(T, 'instances', 'kbad')
HUGE = b'a' * 65536
JUNK = [(b'', 'empty'), (b'\n', 'newline'), (b'junk', 'junk'), (b'2', '2'),
        (b'-1', '-1'), (b'\xff\xfe\0', 'binary'), (HUGE, 'huge')]


def answer(fn):
    try:
        fn()
        return 'ok'
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def write(path, data):
    def do():
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC if path.endswith('_events')
                     else os.O_WRONLY)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    return answer(do)


def out(case, ans):
    print(f'{case}\t{ans}', flush=True)


def main():
    os.makedirs(INST, exist_ok=True)
    ev = 'events/sched/sched_switch'
    files = [f'{ev}/enable', f'{ev}/filter', f'{ev}/trigger', 'events/sched/enable',
             'events/enable', 'set_event', 'kprobe_events', 'synthetic_events',
             'instances/kbad/tracing_on', 'instances/kbad/current_tracer',
             'instances/kbad/buffer_size_kb', 'instances/kbad/trace_clock',
             'instances/kbad/trace_options', 'instances/kbad/set_event',
             f'instances/kbad/{ev}/filter', f'instances/kbad/{ev}/enable']
    for f in files:
        for data, name in JUNK:
            out(f'write {name} to {f}', write(os.path.join(T, f), data))
    for data, name in [(b'p:', 'p:'), (b'p:bad/na/me do_sys_openat2', 'three-level name'),
                       (b'p:x nosuchsymbol_kbad', 'unknown symbol'),
                       (b'-:nosuchprobe', 'remove missing')]:
        out(f'append {name} to kprobe_events', answer(lambda d=data: _append(T, d)))
    # instance names
    out('mkdir instances/<300 chars>', answer(lambda: os.mkdir(os.path.join(T, 'instances', 'x' * 300))))
    out('mkdir instances/kbad again', answer(lambda: os.mkdir(INST)))
    out('mkdir instances/kbad/sub', answer(lambda: os.mkdir(os.path.join(INST, 'sub'))))
    out('mkdir instances/nosuch/sub', answer(lambda: os.mkdir(os.path.join(T, 'instances', 'nosuch', 'sub'))))
    out('mkdir events/kbad', answer(lambda: os.mkdir(os.path.join(T, 'events', 'kbad'))))
    out('rmdir events', answer(lambda: os.rmdir(os.path.join(T, 'events'))))
    out('rmdir instances/nosuch', answer(lambda: os.rmdir(os.path.join(T, 'instances', 'nosuch'))))
    out('create a file in instances', answer(lambda: os.close(os.open(os.path.join(T, 'instances', 'f'), os.O_CREAT | os.O_WRONLY))))
    out('unlink trace', answer(lambda: os.unlink(os.path.join(T, 'trace'))))
    fd = os.open(os.path.join(INST, 'trace'), os.O_RDONLY)
    out('rmdir instances/kbad with trace open', answer(lambda: os.rmdir(INST)))
    os.close(fd)
    out('rmdir instances/kbad', answer(lambda: os.rmdir(INST)))
    # mount options
    for opt in ['uid=abc', 'gid=-1', 'mode=99999999', 'uid=', 'gid=4294967296', 'mode=0x1ff',
                'nosuchoption', 'uid=0,uid=x']:
        r = subprocess.run(['mount', '-t', 'tracefs', '-o', opt, 'nodev', '/mnt'],
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            subprocess.run(['umount', '/mnt'])
        out(f'mount -o {opt}', 'ok' if r.returncode == 0 else f'mount exit {r.returncode}')
        r = subprocess.run(['mount', '-o', f'remount,{opt}', T], stderr=subprocess.DEVNULL)
        out(f'remount -o {opt}', 'ok' if r.returncode == 0 else f'mount exit {r.returncode}')
    subprocess.run(['mount', '-o', 'remount,uid=0,gid=0,mode=700', T])


def _append(t, data):
    fd = os.open(os.path.join(t, 'kprobe_events'), os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


if __name__ == '__main__':
    main()
