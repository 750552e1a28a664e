#!/usr/bin/env python3
# Writes what one client sends to a file: the bytes a parser sees on the wire.
# usage: listen.py tcp|udp PORT OUTFILE [COUNT]
# tcp: one connection, everything it sends until it goes quiet for 1 s.
# udp: COUNT datagrams (default 1), written as OUTFILE.N when COUNT > 1.
import socket, sys

proto, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
if proto == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(1)
    c, _ = s.accept()
    c.settimeout(1.0)
    data = b""
    try:
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
    except socket.timeout:
        pass
    open(out, "wb").write(data)
    c.close()
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    for i in range(count):
        d, _ = s.recvfrom(65536)
        open(out if count == 1 else "%s.%d" % (out, i), "wb").write(d)
