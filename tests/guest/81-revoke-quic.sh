# Revocation reaches open QUIC connections: with the real ngtcp2 client
# and server, an HTTP/3 download from a listed name on an unlisted
# address, started while its purpose is consented, is cut by `deny`: from
# a second after it on, not one datagram of it reaches its server (which
# logs every datagram it receives), its sends are refused (flows_revoked)
# and the download never completes. A control download from an unlisted
# name, on the same address, running at the same time, completes. Then
# the same after a commit that lists the name of a download in a denied
# purpose (opened while it matched nothing), and after the owner's death.
. /cw/guest/lib.sh
. /cw/guest/names.sh
. /cw/guest/revoke.sh
cw_require
quic_or_skip
net_up
owner_start
rules_names >/dev/null
cp /etc/hosts "$CW_OUT/hosts.saved"
trap 'cp "$CW_OUT/hosts.saved" /etc/hosts' EXIT
printf '127.0.0.1 localhost\n%s push.xiaomi.net www.example.org cdn.example.net\n' "$UNLISTED" >/etc/hosts

mkdir -p "$CW_OUT/htdocs"
head -c 4000000 /dev/zero | tr '\0' q >"$CW_OUT/htdocs/big.bin"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$CW_OUT/quic.key" -out "$CW_OUT/quic.crt" -days 2 -subj /CN=quic \
	>/dev/null 2>&1 || fail "no certificate"
# qsrv PORT: a server per connection, so each one's datagrams are counted
qsrv() {
	local i=0 hex
	hex=$(printf '%04X' "$1")
	inet gtlsserver -d "$CW_OUT/htdocs" "$UNLISTED" "$1" "$CW_OUT/quic.key" \
		"$CW_OUT/quic.crt" >"$CW_OUT/qsrv-$1.log" 2>&1 &
	while ! inet cat /proc/net/udp | grep -q ":$hex "; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "gtlsserver $1 did not start"
		usleep 20000
	done
}
qsrv 443
qsrv 8443
# srv_rx PORT: datagrams the server on PORT received so far
srv_rx() { grep -c ' pkt rx ' "$CW_OUT/qsrv-$1.log" || true; }

# qopen TAG NAME PORT: a download of big.bin (idle timeout 4 s); returns
# once its server received 20 datagrams of it
qopen() {
	local i=0 b
	b=$(srv_rx "$3")
	rm -rf "$CW_OUT/dl-$1"
	mkdir -p "$CW_OUT/dl-$1"
	timeout 60 gtlsclient --exit-on-all-streams-close \
		--timeout=4s --download="$CW_OUT/dl-$1" "$2" "$3" \
		"https://$2/big.bin" >"$CW_OUT/qcli-$1.log" 2>&1 &
	eval "Q_$1=\$!"
	until [ "$(srv_rx "$3")" -ge $((b + 20)) ]; do
		i=$((i + 1))
		[ $i -lt 1000 ] || fail "QUIC $1 ($2) did not start: $(tail -3 "$CW_OUT/qcli-$1.log")"
		usleep 20000
	done
}
# qwait TAG: its exit status in QRC (not in a subshell: wait needs the
# shell that started it)
qwait() {
	local pid
	eval "pid=\$Q_$1"
	QRC=0
	wait "$pid" || QRC=$?
}
got() { wc -c <"$CW_OUT/dl-$1/big.bin" 2>/dev/null || echo 0; }

# revoke WHY LISTED UNLISTED CMD...: consent, start both downloads (of
# the name that CMD denies and of one it leaves alone), CMD, then judge
revoke() {
	local why=$1 b r0 t0
	r0=$(status_get counter flows_revoked)
	owner_ok consent push 1 >/dev/null
	qopen L "$2" 443
	qopen C "$3" 8443
	shift 3
	"$@"
	t0=$(now_ms)
	sleep 1
	b=$(srv_rx 443)
	log "$why: $b datagrams of the listed download at its server 1 s after"
	qwait L	# it ends by its idle timeout (exit 0 or not)
	assert_lt "$why: bytes of the listed download" 4000000 "$(got L)"
	assert_eq "$why: its datagrams at its server from 1 s after on" "$b" "$(srv_rx 443)"
	assert_gt "$why: its sends were refused (flows_revoked)" "$r0" \
		"$(status_get counter flows_revoked)"
	qwait C
	assert_eq "$why: the unlisted download, exit" 0 "$QRC"
	assert_eq "$why: the unlisted download's bytes" 4000000 "$(got C)"
	log "$why: done $(( $(now_ms) - t0 )) ms after"
}

revoke "consent withdrawn" push.xiaomi.net www.example.org owner_ok consent push 0

# a commit that lists www.example.org in analytics (denied)
commit_lists() {
	owner_ok begin >/dev/null
	owner_ok add push desc=Push domain=xiaomi.net >/dev/null
	owner_ok add analytics desc=Analytics domain=tracking.example.com \
		domain=www.example.org >/dev/null
	owner_ok commit >/dev/null
}
revoke "a commit lists its name" www.example.org cdn.example.net commit_lists

owner_dies() {
	owner_kill
	assert_eq "consent after the owner died" 0 "$(consent_of push)"
}
revoke "owner died" push.xiaomi.net cdn.example.net owner_dies
dmesg_clean || fail "kernel warnings"
