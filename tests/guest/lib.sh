# Helpers for the guest scenarios (tests/guest/NN-name.sh). Sourced by each
# scenario; runs inside the QEMU guest under busybox sh, with `set -e`.
#
# Topology (net_up): the guest's initial network namespace is the handset,
# where consentwall filters from load. One "internet" namespace, inet,
# hangs off a veth pair and answers for whole documentation prefixes:
#
#   handset cw0 192.0.2.1/24 2001:db8:1::1/64 --- inet0 192.0.2.254 2001:db8:1::254
#   inet answers (AnyIP) for 198.51.100.0/24, 203.0.113.0/24,
#   2001:db8:100::/48, 2001:db8:200::/40
#
# Servers run in inet and record what arrived (srv_tcp/srv_udp, then
# srv_bytes/srv_conns); clients run on the handset and report what their
# system calls returned (probe). The owner of the namespace is a cwnl -i
# process fed through a FIFO (owner_start, owner CMD, owner_kill).

CW_KO=${CW_KO:-/cw/consentwall.ko}

# busybox sh runs its own applets before looking at PATH: name the real
# iproute2 (netns support) explicitly.
ip() { /usr/bin/ip "$@"; }
# util-linux versions: busybox's setpriv has no --reuid, its unshare differs.
setpriv() { /usr/bin/setpriv "$@"; }
unshare() { /usr/bin/unshare "$@"; }

# A scenario that stops on a failed command (set -e) says so; rerun with
# CW_TRACE=1 (make guest T=NN CW_TRACE=1) to see which command it was.
trap '_rc=$?; [ $_rc = 0 ] || [ $_rc = 77 ] || echo "FAIL: $CW_SCENARIO stopped with status $_rc after: $(grep "^PASS" "$CW_OUT/../$CW_SCENARIO.log" 2>/dev/null | tail -n1) (CW_TRACE=1 shows the failing command)"' EXIT
CW_OUT=${CW_OUT:-/tmp/out/manual}
mkdir -p "$CW_OUT"

log() { echo "# $*"; }

fail() {
	echo "FAIL: $*"
	exit 1
}

pass() { echo "PASS: $*"; }

# skip WHY: nothing to test here (the rig reports "ok N - name # SKIP WHY",
# counted as skipped, never as passed)
skip() {
	echo "SKIP: $*"
	exit 77
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
	pass "$1 = '$3'"
}

# assert_match WHAT PATTERN TEXT   (grep -E pattern, over every line)
assert_match() {
	printf '%s\n' "$3" | grep -qE -- "$2" ||
		fail "$1: no match for /$2/ in: $(printf '%s' "$3" | tr '\n' '|')"
	pass "$1 =~ /$2/"
}

assert_nomatch() {
	! printf '%s\n' "$3" | grep -qE -- "$2" ||
		fail "$1: unexpected match for /$2/ in: $(printf '%s' "$3" | tr '\n' '|')"
	pass "$1 !~ /$2/"
}

# assert_lt WHAT LIMIT VALUE  (integers)
assert_lt() {
	[ "$3" -lt "$2" ] || fail "$1: expected < $2, got $3"
	pass "$1 = $3 < $2"
}

assert_gt() {
	[ "$3" -gt "$2" ] || fail "$1: expected > $2, got $3"
	pass "$1 = $3 > $2"
}

# ---- module ---------------------------------------------------------------

cw_loaded() { grep -q '^consentwall ' /proc/modules; }

# cw_reload [PARAM=VALUE...]: a fresh module, so a fresh state everywhere.
cw_reload() {
	if cw_loaded; then
		rmmod consentwall || fail "rmmod consentwall"
	fi
	insmod "$CW_KO" "$@" || fail "insmod consentwall $*"
	log "consentwall reloaded $*"
}

cw_require() {
	cw_loaded || fail "consentwall is not loaded (insmod failed? see above)"
}

# ---- topology -------------------------------------------------------------

net_up() {
	ip netns add inet
	ip link add cw0 type veth peer name inet0
	ip link set inet0 netns inet
	ip addr add 192.0.2.1/24 dev cw0
	ip -6 addr add 2001:db8:1::1/64 dev cw0 nodad
	ip link set cw0 up
	ip route add default via 192.0.2.254
	ip -6 route add default via 2001:db8:1::254

	ip -n inet link set lo up
	ip -n inet addr add 192.0.2.254/24 dev inet0
	ip -n inet -6 addr add 2001:db8:1::254/64 dev inet0 nodad
	ip -n inet link set inet0 up
	ip -n inet route add local 198.51.100.0/24 dev lo
	ip -n inet route add local 203.0.113.0/24 dev lo
	ip -n inet -6 route add local 2001:db8:100::/48 dev lo
	ip -n inet -6 route add local 2001:db8:200::/40 dev lo
	# Servers that cannot ask for IP(V6)_FREEBIND (openssl, httpd) may
	# bind any of those addresses too.
	inet sysctl -qw net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1
	# Neighbour discovery must not race the first probe: resolve now.
	inet ping -c1 -W2 192.0.2.1 >/dev/null 2>&1 || true
	inet ping6 -c1 -W2 2001:db8:1::1 >/dev/null 2>&1 || true
}

# inet CMD...: run CMD in the internet namespace.
inet() { ip netns exec inet "$@"; }

# nf_keys_hold: keeps netfilter's static keys for the IPv4 and IPv6 input
# and output hooks on, with an empty nftables table in a namespace of its
# own, so loading and unloading consentwall registers and unregisters its
# hooks without patching the kernel's text.
# Why: under QEMU's TCG, with floods looping through the loopback device,
# about one unload in 150 left both vCPUs spinning at the NF_HOOK static
# branch of ip_local_deliver() (soft lockup, guest memory showing the
# settled jump or nop; no consentwall frame on either stack): what looks
# like the emulator's cross-modifying code losing a race with the int3
# protocol the kernel patches every static branch with. With the keys
# held, 600 cycles under the same floods were clean. The
# scenarios that unload under floods test the module's teardown (hook
# entries replaced under RCU with packets inside, state freed after the
# grace period), which holding the keys leaves whole.
nf_keys_hold() {
	modprobe crc32c_generic
	modprobe nf_tables || fail "modprobe nf_tables"
	ip netns add cwkeys
	ip netns exec cwkeys nft -f - <<'NFT' || fail "nft table holding the static keys"
table inet cwkeys {
	chain in { type filter hook input priority 0; }
	chain out { type filter hook output priority 0; }
}
NFT
}

# A second, independent network namespace ("other", like a container) with
# its own veth to inet: 192.0.2.65/26 (inet side .126), 2001:db8:2::1/64.
net_other_up() {
	ip netns add other
	ip link add oth0 type veth peer name inet1
	ip link set oth0 netns other
	ip link set inet1 netns inet
	ip -n other link set lo up
	ip -n other addr add 192.0.2.65/26 dev oth0
	ip -n other -6 addr add 2001:db8:2::1/64 dev oth0 nodad
	ip -n other link set oth0 up
	ip -n other route add default via 192.0.2.126
	ip -n other -6 route add default via 2001:db8:2::254
	ip -n inet addr add 192.0.2.126/26 dev inet1
	ip -n inet -6 addr add 2001:db8:2::254/64 dev inet1 nodad
	ip -n inet link set inet1 up
}

# ---- servers and clients --------------------------------------------------

# srv_tcp NAME ADDR PORT / srv_udp NAME ADDR PORT: start a recording server
# in inet (or in netns $SRV_NS; SRV_NS= for the handset itself) and wait
# until it listens.
srv_tcp() { _srv tcp-server "$@"; }
srv_udp() { _srv udp-server "$@"; }

_srv() {
	local kind=$1 name=$2 addr=$3 port=$4 i=0 ns=${SRV_NS-inet}
	rm -f "$CW_OUT/srv-$name"
	if [ -n "$ns" ]; then
		ip netns exec "$ns" cwprobe "$kind" "$addr" "$port" \
			"$CW_OUT/srv-$name" >>"$CW_OUT/srv-$name.log" 2>&1 &
	else
		cwprobe "$kind" "$addr" "$port" "$CW_OUT/srv-$name" \
			>>"$CW_OUT/srv-$name.log" 2>&1 &
	fi
	while [ ! -f "$CW_OUT/srv-$name" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "server $name ($addr $port) did not start: $(cat "$CW_OUT/srv-$name.log")"
		usleep 20000
	done
}

# _wait_listen ADDR PORT: until a TCP server in inet accepts (asked from
# inside inet, so the handset's policy does not matter).
_wait_listen() {
	local i=0
	until inet cwprobe tcp "$1" "$2" -t 500 >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "nothing listens on $1 $2 in inet"
		usleep 50000
	done
}

# srv_http NAME ADDR PORT: busybox httpd in inet serving "ok NAME" at /
# (IPv4). curl http://ADDR:PORT/ on the handset then prints "ok NAME".
srv_http() {
	mkdir -p "$CW_OUT/www-$1"
	echo "ok $1" >"$CW_OUT/www-$1/index.html"
	inet httpd -p "$2:$3" -h "$CW_OUT/www-$1"
	_wait_listen "$2" "$3"
}

# srv_tls NAME ADDR PORT: openssl s_server in inet (v4 or v6) with a
# fresh self-signed certificate for CN=NAME; it answers an HTTP request
# with a status page (-www). On the handset: curl -k --resolve, or
# openssl s_client -servername.
srv_tls() {
	local d=$CW_OUT/tls-$1 a=$2
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -subj "/CN=$1" -days 1 -keyout "$d/key.pem" \
		-out "$d/cert.pem" >/dev/null 2>&1 || fail "openssl req"
	case $a in *:*) a="[$a]" ;; esac
	inet openssl s_server -quiet -www -accept "$a:$3" \
		-cert "$d/cert.pem" -key "$d/key.pem" >"$d/log" 2>&1 &
	_wait_listen "$2" "$3"
}

# srv_bytes NAME / srv_conns NAME (tcp) / srv_packets NAME (udp)
srv_bytes() { set -- $(cat "$CW_OUT/srv-$1"); echo "$4"; }
srv_conns() { set -- $(cat "$CW_OUT/srv-$1"); echo "$2"; }
srv_packets() { srv_conns "$1"; }
# wait_bytes SRV N: until SRV got N bytes in all (at most 1 s)
wait_bytes() {
	local i=0
	while [ "$(srv_bytes "$1")" -lt "$2" ] && [ $i -lt 50 ]; do
		usleep 20000
		i=$((i + 1))
	done
}

# probe tcp|udp ADDR PORT [opts]: "OK <ms>" or "<ERRNO> <ms>"; never fails.
probe() { cwprobe "$@" || true; }

# result of a probe, without the time
probe_result() { set -- $(probe "$@"); echo "$1"; }

# expect_blocked tcp|udp ADDR PORT [opts]: the call fails with the reject
# errno; expect_allowed: it succeeds and the server got the bytes.
CW_BLOCK_ERRNO=${CW_BLOCK_ERRNO:-ECONNREFUSED}
expect_blocked() {
	local r
	r=$(probe "$@" -s 100)
	assert_eq "$* blocked" "$CW_BLOCK_ERRNO" "${r%% *}"
}

expect_allowed() {
	local r
	r=$(probe "$@" -s 100)
	assert_eq "$* allowed" OK "${r%% *}"
}

# expect_blocked_at SRV tcp|udp ADDR PORT [opts]: blocked, and the server
# SRV, which listens there, got no connection or datagram from it. (A TCP
# port where nothing listens resets with or without the module.)
expect_blocked_at() {
	local srv=$1 c
	shift
	c=$(srv_conns "$srv")
	expect_blocked "$@"
	sleep 0.1
	assert_eq "$* reached server $srv" "$c" "$(srv_conns "$srv")"
}

# expect_allowed_at SRV tcp|udp ADDR PORT [opts]: the control on the same
# path: allowed, and SRV got the 100 bytes.
expect_allowed_at() {
	local srv=$1 b i=0
	shift
	b=$(srv_bytes "$srv")
	expect_allowed "$@"
	while [ "$(srv_bytes "$srv")" -lt $((b + 100)) ] && [ $i -lt 50 ]; do
		usleep 20000
		i=$((i + 1))
	done
	assert_eq "$* bytes at server $srv" $((b + 100)) "$(srv_bytes "$srv")"
}

# ---- the namespace owner: cwnl -i behind a FIFO ---------------------------

owner_start() {
	local i=0
	rm -f "$CW_OUT/owner.in" "$CW_OUT/owner.out"
	mkfifo "$CW_OUT/owner.in"
	cwnl -i <"$CW_OUT/owner.in" >"$CW_OUT/owner.out" 2>&1 &
	OWNER_PID=$!
	exec 9>"$CW_OUT/owner.in"
	while ! grep -q '^portid ' "$CW_OUT/owner.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 250 ] || fail "cwnl -i did not start: $(cat "$CW_OUT/owner.out")"
		kill -0 "$OWNER_PID" 2>/dev/null || fail "cwnl -i exited: $(cat "$CW_OUT/owner.out")"
		usleep 20000
	done
	OWNER_PORTID=$(sed -n 's/^portid //p' "$CW_OUT/owner.out")
}

# owner CMD...: run one cwnl command on the owner's socket; prints its
# output (and events that arrived meanwhile); returns non-zero on error.
# Works in a subshell too ($(owner ...)): the sequence number comes from
# the answers already in the owner's output, not from a shell variable.
owner() {
	local i=0 prev seq st
	prev=$(grep -c '^\. ' "$CW_OUT/owner.out" || true)
	seq=$((prev + 1))
	echo "$*" >&9
	while ! grep -q "^\. $seq " "$CW_OUT/owner.out"; do
		i=$((i + 1))
		[ $i -lt 6000 ] || fail "owner command '$*' got no answer in 120s"
		kill -0 "$OWNER_PID" 2>/dev/null || fail "owner exited during '$*'"
		usleep 20000
	done
	awk -v p="$prev" -v n="$seq" '
		$1 == "." && $2 == p { on = 1; next }
		$1 == "." && $2 == n { exit }
		on || p == 0 { if ($1 != "portid") print }' "$CW_OUT/owner.out"
	st=$(sed -n "s/^\. $seq //p" "$CW_OUT/owner.out")
	[ "$st" = OK ]
}

# owner_ok CMD...: like owner, but the command must succeed.
owner_ok() {
	owner "$@" >"$CW_OUT/last" || fail "owner: '$*' failed: $(cat "$CW_OUT/last")"
	cat "$CW_OUT/last"
}

owner_events() { grep '^event' "$CW_OUT/owner.out" || true; }

owner_kill() {
	kill -9 "$OWNER_PID"
	exec 9>&-
	wait "$OWNER_PID" 2>/dev/null || true
}

# status_get KEY: a scalar (or "counter NAME") from GET_STATUS, one-shot.
status_get() {
	cwnl status | awk -v k="$*" '
		k ~ / / { split(k, a, " "); if ($1 == a[1] && $2 == a[2]) print $3; next }
		$1 == k { print $2 }'
}

# consent_of PURPOSE: from GET_STATUS
consent_of() {
	cwnl status | awk -v p="$1" '$1 == "purpose" && $2 == p {
		for (i = 3; i < NF; i++) if ($i == "consent") print $(i + 1) }'
}

# ---- the standard ruleset -------------------------------------------------
#
# analytics: a v4 host, a v4 prefix, a v6 host, a v6 prefix
# push:      v4 host tcp ports 5000-5100, v6 host udp ports 5000-5100
# tracker:   everything sent by uid 1234
# Everything else (198.51.100.11, 203.0.113.200, 2001:db8:100::11,
# 2001:db8:201::1, other ports, other uids) matches nothing.
STD_RULES_ANALYTICS="ip=198.51.100.10 ip=203.0.113.0/25 ip=2001:db8:100::10 ip=2001:db8:200::/48"
STD_RULES_PUSH="ip=198.51.100.20,tcp,5000-5100 ip=2001:db8:100::20,udp,5000-5100"
STD_RULES_TRACKER="uid=1234"

# rules_std: claim (via the owner) and commit the standard ruleset.
rules_std() {
	owner_ok claim >/dev/null
	owner_ok begin >/dev/null
	owner_ok add analytics desc=Analytics $STD_RULES_ANALYTICS >/dev/null
	owner_ok add push desc=Push $STD_RULES_PUSH >/dev/null
	owner_ok add tracker desc=Tracker $STD_RULES_TRACKER >/dev/null
	owner_ok commit
}

# owner_std: an owner (owner_start) that claimed and committed the
# standard ruleset: the preamble of most scenarios.
owner_std() {
	owner_start
	rules_std >/dev/null
}

# srv_unlisted: recording servers on the host no standard rule lists,
# web (tcp 198.51.100.11 80), dns (udp 198.51.100.11 53), web6 (tcp
# 2001:db8:100::11 80): what only the policy under test can block.
srv_unlisted() {
	srv_tcp web 198.51.100.11 80
	srv_udp dns 198.51.100.11 53
	srv_tcp web6 2001:db8:100::11 80
}

# now_ms: milliseconds since boot
now_ms() {
	set -- $(cat /proc/uptime)
	echo $(( ${1%.*} * 1000 + $(echo "${1#*.}" | sed 's/^0*//;s/^$/0/') * 10 ))
}

# dmesg_clean: the kernel log holds no warning since boot
dmesg_clean() {
	! dmesg | grep -qE 'WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|kmemleak|Call Trace'
}

# lighttpd_flush LOG ADDR PORT PIDFILE: returns once every request that
# the lighttpd in inet on ADDR:PORT (its pid in PIDFILE) served before
# the call is in its access log LOG. A request from inside inet, GET
# /flush-N, is logged after them; SIGHUP makes lighttpd write what it
# buffered. N counts in LOG.flushes (callers run in subshells); a
# caller's own requests never have /flush- in their path.
lighttpd_flush() {
	local i=0 f
	f=$(($(cat "$1.flushes" 2>/dev/null || echo 0) + 1))
	echo $f >"$1.flushes"
	inet curl -s -o /dev/null "http://$2:$3/flush-$f"
	until grep -q " /flush-$f HTTP" "$1"; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "lighttpd on $2:$3 did not write its log"
		kill -HUP "$(cat "$4")"
		usleep 100000
	done
}
