#!/bin/sh
# Captures the real DNS answers the answer parser's tests use (dnsa-*.bin):
# dnsmasq 2.90 (Debian 12's dnsmasq-base) answering on the loopback of a
# private network namespace, asked by a small client that saves the reply
# bytes as they arrive (UDP payload; TCP stream with its length prefix).
# Run as root:
#   unshare -n sh tests/captures/capture-answers.sh tests/captures
set -e
out=${1:-.}
ip link set lo up
dnsmasq --keep-in-foreground --no-resolv --no-hosts --user=root \
	--listen-address=127.0.0.1 --bind-interfaces --port=53 --pid-file= \
	--host-record=edge.cdn.example.net,198.51.100.21,2001:db8::21,300 \
	--host-record=edge.cdn.example.net,198.51.100.22,120 \
	--cname=api.push.xiaomi.net,mid.cdn.example.net,60 \
	--cname=mid.cdn.example.net,edge.cdn.example.net,30 &
pid=$!
sleep 0.5
python3 - "$out" <<'PY'
import socket, struct, sys
out = sys.argv[1]
def query(name, qtype, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for l in name.split("."):
        q += bytes([len(l)]) + l.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)
def udp(f, name, qtype, qid):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(query(name, qtype, qid), ("127.0.0.1", 53))
    open(f"{out}/{f}", "wb").write(s.recv(4096))
def tcp(f, name, qtype, qid):
    s = socket.create_connection(("127.0.0.1", 53), 2)
    q = query(name, qtype, qid)
    s.sendall(struct.pack(">H", len(q)) + q)
    b = b""
    while len(b) < 2 or len(b) < 2 + struct.unpack(">H", b[:2])[0]:
        b += s.recv(4096)
    open(f"{out}/{f}", "wb").write(b)
udp("dnsa-dnsmasq-cname-a.bin", "Api.Push.Xiaomi.NET", 1, 0x1234)
udp("dnsa-dnsmasq-cname-aaaa.bin", "api.push.xiaomi.net", 28, 0x1235)
udp("dnsa-dnsmasq-nxdomain.bin", "nothing.xiaomi.net", 1, 0x1236)
tcp("dnsa-dnsmasq-tcp-a.bin", "api.push.xiaomi.net", 1, 0x1237)
PY
kill $pid
