#!/bin/sh
# Re-captures the real client bytes the parser tests use. Run as root; all
# traffic stays on the loopback of a private network namespace:
#   unshare -n -m sh tests/captures/capture.sh tests/captures
# The clients are Debian 12's openssl 3.0, curl 7.88, dig 9.18, glibc 2.36 and
# ngtcp2 0.12 (package ngtcp2-client).
set -e
out=${1:-.}
here=$(dirname "$0")
L="python3 $here/listen.py"
N=example.xiaomi.net
ip link set lo up

tcp() { # file, client command...
	f=$1; shift
	$L tcp 4433 "$out/$f" & pid=$!
	sleep 0.5
	timeout 5 "$@" </dev/null >/dev/null 2>&1 || true
	wait $pid
}

tcp tls13-openssl.bin openssl s_client -connect 127.0.0.1:4433 -servername $N -tls1_3
tcp tls12-openssl.bin openssl s_client -connect 127.0.0.1:4433 -servername $N -tls1_2
# A 1 KiB key share (ffdhe8192) pushes the ClientHello past 1 KiB.
tcp tls13-openssl-ffdhe8192.bin openssl s_client -connect 127.0.0.1:4433 -servername $N -tls1_3 -groups ffdhe8192:x25519
tcp tls13-openssl-nosni.bin openssl s_client -connect 127.0.0.1:4433 -noservername -tls1_3
tcp tls13-curl.bin curl -sk --max-time 3 --resolve Telemetry.Xiaomi.NET:4433:127.0.0.1 https://Telemetry.Xiaomi.NET:4433/
tcp tls12-curl.bin curl -sk --max-time 3 --tlsv1.2 --tls-max 1.2 --resolve $N:4433:127.0.0.1 https://$N:4433/
tcp http-curl.bin curl -s --max-time 3 --resolve $N:4433:127.0.0.1 http://$N:4433/push/register?imei=0
tcp http-curl-post.bin curl -s --max-time 3 -H 'User-Agent: MiPush' -d 'imsi=1&imei=2' --resolve api.ad.xiaomi.com:4433:127.0.0.1 http://api.ad.xiaomi.com:4433/v1
tcp http-curl-ipv6.bin curl -s --max-time 3 -g --connect-to '[::1]:4433:127.0.0.1:4433' 'http://[::1]:4433/'
tcp dns-tcp-dig.bin dig +tcp +tries=1 +time=2 @127.0.0.1 -p 4433 $N A

udp() { # file, count, client command...
	f=$1; n=$2; shift 2
	$L udp 53 "$out/$f" "$n" & pid=$!
	sleep 0.5
	timeout 5 "$@" </dev/null >/dev/null 2>&1 || true
	wait $pid
}
udp dns-udp-dig-edns.bin 1 dig +tries=1 +time=2 @127.0.0.1 $N AAAA
udp dns-udp-dig-noedns.bin 1 dig +noedns +nocookie +tries=1 +time=2 @127.0.0.1 sdkconfig.ad.xiaomi.com A
udp dns-udp-dig-https.bin 1 dig +tries=1 +time=2 @127.0.0.1 tracking.intl.miui.com HTTPS
# glibc's stub resolver (getaddrinfo) sends an A and an AAAA query.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >/tmp/cw-resolv.conf
mount --bind /tmp/cw-resolv.conf /etc/resolv.conf
udp dns-udp-glibc.bin 2 getent ahosts resolver.msg.xiaomi.net

# QUIC client Initials from Debian 12's ngtcp2 client (gtlsclient 0.12).
# The names resolve through a private /etc/hosts, so each is sent as SNI.
# quic-rfc9001-a2.bin is not a capture: it is the protected packet of
# RFC 9001 appendix A.2, byte for byte.
printf '127.0.0.1 push.xiaomi.net www.example.org tracking.intl.miui.com\n' >/tmp/cw-hosts
mount --bind /tmp/cw-hosts /etc/hosts
quic() { # file, count, host, client options...
	f=$1; n=$2; h=$3; shift 3
	$L udp 4433 "$out/$f" "$n" & pid=$!
	sleep 0.5
	timeout 3 gtlsclient -q --timeout=2s "$@" "$h" 4433 "https://$h/" </dev/null >/dev/null 2>&1 || true
	wait $pid
}
quic quic-v1-ngtcp2.bin 1 push.xiaomi.net
quic quic-v1-ngtcp2-example.bin 1 www.example.org
# A 1 KiB ffdhe8192 key share: a 1,324-byte ClientHello over two Initials.
quic quic-ffdhe8192-ngtcp2.bin 2 tracking.intl.miui.com --groups=-GROUP-ALL:+GROUP-FFDHE8192:+GROUP-X25519
quic quic-ffdhe8192-ngtcp2-push.bin 2 push.xiaomi.net --groups=-GROUP-ALL:+GROUP-FFDHE8192:+GROUP-X25519
