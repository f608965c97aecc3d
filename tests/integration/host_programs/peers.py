#!/usr/bin/env python3
"""Independent Linux peers for the guest's network programs (run natively on
the host by run_host_programs.sh): servers print "listening on port P" once
ready, like the programs do; checks print one result line and exit non-zero
on a mismatch.

The stream pattern is guest/user/pattern.h's:
    byte(i) = (i * 131 + (i >> 8) + (i >> 16) + (i >> 24)) & 0xff
"""
import argparse
import hashlib
import socket
import sys


def pattern(offset, n):
    """Stream bytes offset .. offset+n-1 (the formula above)."""
    return bytes(((i * 131 + (i >> 8) + (i >> 16) + (i >> 24)) & 0xff)
                 for i in range(offset, offset + n))


def pattern_fast(n):
    """pattern(0, n) for large n: within an aligned 64 KiB block, only the
    (i >> 16) + (i >> 24) term changes from block to block."""
    block = pattern(0, 65536)
    out = bytearray()
    for start in range(0, n, 65536):
        add = ((start >> 16) + (start >> 24)) & 0xff
        table = bytes((x + add) & 0xff for x in range(256))
        out += block.translate(table)[:n - start]
    return bytes(out)


def datagram(seq, size):
    return pattern(seq << 16, size)


def ready(port):
    print(f"peers: listening on port {port}", flush=True)


def udp_echo_server(a):
    """Echoes datagrams; drops every DROP-th (before echoing) and flips a
    byte of the CORRUPT-th, counting from 1."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", a.port))
    ready(a.port)
    for n in range(1, a.count + 1):
        data, peer = s.recvfrom(65536)
        if a.drop and n % a.drop == 0:
            continue
        if n == a.corrupt and data:
            data = bytes([data[0] ^ 0xff]) + data[1:]
        s.sendto(data, peer)


def udp_client(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for seq in range(a.count):
        size = 1 + seq % 1472
        payload = datagram(seq, size)
        s.sendto(payload, ("127.0.0.1", a.port))
        echo, _ = s.recvfrom(65536)
        if echo != payload:
            sys.exit(f"peers: datagram {seq} came back different")
    print(f"peers: {a.count} datagrams intact")


def tcp_echo_server(a):
    """Echoes one connection at a time, COUNT connections; with --corrupt
    flips byte 1000 of the first connection's echo."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(8)
    ready(a.port)
    for _ in range(a.count):
        c, _ = ls.accept()
        offset = 0
        while data := c.recv(65536):
            if a.corrupt and offset <= 1000 < offset + len(data):
                k = 1000 - offset
                data = data[:k] + bytes([data[k] ^ 1]) + data[k + 1:]
            c.sendall(data)
            offset += len(data)
        c.close()


def tcp_sink(a):
    """Accepts one connection, checks it carries the stream pattern."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(1)
    ready(a.port)
    c, _ = ls.accept()
    got = bytearray()
    while data := c.recv(1 << 20):
        got += data
    c.close()
    if bytes(got) != pattern_fast(len(got)) or len(got) != a.bytes:
        sys.exit(f"peers: received {len(got)} bytes, not the {a.bytes}-byte pattern")
    print(f"sha256 {hashlib.sha256(got).hexdigest()} bytes {len(got)}")


def tcp_source(a):
    """Sends BYTES of the pattern, closes; prints its sha256."""
    data = pattern_fast(a.bytes)
    c = socket.create_connection(("127.0.0.1", a.port))
    c.sendall(data)
    c.close()
    print(f"sha256 {hashlib.sha256(data).hexdigest()} bytes {a.bytes}")


def tcp_echo_client(a):
    """Sends BYTES of the pattern (in a thread-free loop: send a chunk, read
    its echo back) and checks the echo."""
    data = pattern_fast(a.bytes)
    c = socket.create_connection(("127.0.0.1", a.port))
    for start in range(0, a.bytes, 65536):
        chunk = data[start:start + 65536]
        c.sendall(chunk)
        echo = b""
        while len(echo) < len(chunk):
            got = c.recv(len(chunk) - len(echo))
            if not got:
                sys.exit("peers: echo ended early")
            echo += got
        if echo != chunk:
            sys.exit(f"peers: echo differs in the chunk at {start}")
    c.shutdown(socket.SHUT_WR)
    if c.recv(1):
        sys.exit("peers: data after the echo")
    print(f"peers: {a.bytes} bytes echoed intact")


def pattern_sha256(a):
    print(f"sha256 {hashlib.sha256(pattern_fast(a.bytes)).hexdigest()}")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, fn, args in [
        ("udp-echo-server", udp_echo_server, ["port", "count"]),
        ("udp-client", udp_client, ["port", "count"]),
        ("tcp-echo-server", tcp_echo_server, ["port", "count"]),
        ("tcp-sink", tcp_sink, ["port", "bytes"]),
        ("tcp-source", tcp_source, ["port", "bytes"]),
        ("tcp-echo-client", tcp_echo_client, ["port", "bytes"]),
        ("pattern-sha256", pattern_sha256, ["bytes"]),
    ]:
        sp = sub.add_parser(name)
        sp.set_defaults(fn=fn)
        for arg in args:
            sp.add_argument(arg, type=int)
        if name == "udp-echo-server":
            sp.add_argument("--drop", type=int, default=0)
            sp.add_argument("--corrupt", type=int, default=0)
        if name == "tcp-echo-server":
            sp.add_argument("--corrupt", action="store_true")
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
