#!/usr/bin/env python3
"""Send magic SysRq keys to a guest through QEMU's human monitor socket.

usage: qemu-sysrq.py MONITOR_SOCKET KEY...   (for example: w t)
The guest needs CONFIG_MAGIC_SYSRQ and a PS/2 keyboard (the pc machine has one).
"""
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(sys.argv[1])
    for key in sys.argv[2:]:
        if len(key) != 1 or not key.isalnum():
            sys.exit(f"qemu-sysrq: bad key {key!r}")
        sock.sendall(f"sendkey alt-sysrq-{key}\n".encode())
        print(f"qemu-sysrq: sent sysrq-{key}", flush=True)
        time.sleep(5)       # let the guest print before the next dump
    sock.close()


if __name__ == "__main__":
    main()
