#!/usr/bin/env python3
"""readdir with restarts: getdents64 in small chunks, seeks back to a
position read before (telldir/seekdir) and to 0 (rewinddir), for each
directory given. Exit 0, or 1 if a directory went away meanwhile."""
import ctypes
import os
import random
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_GETDENTS64 = 217        # x86_64


def getdents(fd, size):
    buf = ctypes.create_string_buffer(size)
    n = libc.syscall(SYS_GETDENTS64, fd, buf, size)
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    out, pos = [], 0
    while pos < n:
        ino, off, reclen, _ = struct.unpack_from('QqHB', buf.raw, pos)
        name = buf.raw[pos + 19:pos + reclen].split(b'\0', 1)[0]
        out.append((name, off, ino))
        pos += reclen
    return out


def one(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        saved = None
        for _ in range(random.randint(1, 4)):
            ents = getdents(fd, random.choice((128, 512, 4096)))
            if not ents:
                break
            if saved is None:
                saved = random.choice(ents)[1]
        if saved is not None:
            os.lseek(fd, saved, os.SEEK_SET)
            getdents(fd, 512)
        os.lseek(fd, 0, os.SEEK_SET)
        while getdents(fd, 4096):
            pass
    finally:
        os.close(fd)


def main():
    rc = 0
    for d in sys.argv[1:]:
        try:
            one(d)
            # and one level down, where directories are made on demand
            subs = [e.path for e in os.scandir(d) if e.is_dir(follow_symlinks=False)]
            if subs:
                one(random.choice(subs))
        except OSError:
            rc = 1
    return rc


sys.exit(main())
