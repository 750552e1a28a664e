# One app cannot wear the flow memory down for another: while UID 1000
# holds a TLS flow to a consented listed name and one to an unlisted name
# (both remembered), UID 2000 opens thousands of TLS connections to an
# unlisted name, thousands to the consented listed name, and thousands of
# half-finished ClientHellos. UID 2000's flows of a purpose beyond its
# bound are refused (reset, counted in flows_refused), never allowed
# unremembered, and its half ClientHellos beyond its share of the table
# of flows parsed across segments are reset, while UID 1000's new one
# gets a slot; UID 1000's flows carry on untouched, and stay remembered:
# `deny` still cuts the listed one, a commit that lists the other's name
# cuts that one too.
. /cw/guest/lib.sh
. /cw/guest/names.sh
. /cw/guest/revoke.sh
cw_require
net_up
owner_start
rules_names >/dev/null
owner_ok consent push 1 >/dev/null
tls_srv 443
P=443
# the flood's peer: a listener that never accepts, its queue as long as
# the flood
inet sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
srv_sink() { _srv tcp-sink "$@"; }
srv_sink many "$UNLISTED" 444
capture_hello www.example.org hello-org.bin
capture_hello push.xiaomi.net hello-push.bin
head -c 120 "$CW_OUT/hello-org.bin" >"$CW_OUT/hello-half.bin"

as1000() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
flow_open L push.xiaomi.net $P as1000
flow_open N cdn.example.net $P as1000
m0=$(status_get counter flows_remembered)

# many TAG N FILE: UID 2000 opens N connections that each send FILE
many() {
	rm -f "$CW_OUT/stop-many-$1"
	cwprobe tcp-many "$UNLISTED" 444 -n "$2" -D "$CW_OUT/$3" -u 2000 \
		-t 1000 -f "$CW_OUT/stop-many-$1" >"$CW_OUT/many-$1" 2>&1 &
	MANY_PIDS="$MANY_PIDS $!"
	i=0
	until grep -q '^open' "$CW_OUT/many-$1"; do
		i=$((i + 1))
		[ $i -lt 6000 ] || fail "tcp-many $1 did not finish: $(cat "$CW_OUT/many-$1")"
		usleep 50000
	done
	log "UID 2000, $2 x $3: $(cat "$CW_OUT/many-$1")"
}
MANY_PIDS=
f0=$(status_get counter flows_refused)
many org 2500 hello-org.bin
set -- $(cat "$CW_OUT/many-org")
assert_eq "unlisted name: UID 2000's connections all open" 2500 "$2"
assert_eq "unlisted name: none reset" 0 "$4"
expect_flowing "after 2500 unlisted flows" L $P
expect_flowing "after 2500 unlisted flows" N $P

many push 2500 hello-push.bin
set -- $(cat "$CW_OUT/many-push")
assert_gt "listed name: UID 2000's flows beyond its bound reset" 2000 "$4"
assert_lt "listed name: ... but only those" 2500 "$4"
assert_gt "flows_refused counted them" $((f0 + 2000)) "$(status_get counter flows_refused)"

# Half-finished ClientHellos each need a slot in the table of flows
# parsed across segments (256 a namespace): UID 2000 gets its quarter
# of it (CW_FLOWS_PER_UID, 64), every one beyond is reset (a name is
# denied: it fails closed), and UID 1000's new ClientHello in two
# segments, which needs a slot too, still gets one and goes through.
# (A slot silent for 30 s may be taken again: on a kernel slow enough
# for the flood to take longer, UID 2000 gets a quarter every 30 s.)
t0=$(now_ms)
many half 2000 hello-half.bin
gens=$(( ($(now_ms) - t0) / 30000 + 1 ))
set -- $(cat "$CW_OUT/many-half")
assert_eq "half ClientHellos: UID 2000's connections all open" 2000 "$2"
srv_tcp split "$UNLISTED" 445
n=$(wc -c <"$CW_OUT/hello-org.bin")
r=$(as1000 cwprobe tcp "$UNLISTED" 445 -D "$CW_OUT/hello-org.bin" -S 120 || true)
assert_eq "UID 1000's ClientHello in two segments during the flood" OK "${r%% *}"
wait_bytes split "$n"
assert_eq "... all of it at the server" "$n" "$(srv_bytes split)"
set -- $(cat "$CW_OUT/many-half")
assert_gt "half ClientHellos beyond UID 2000's quarter of the table ($gens x 30 s) reset" \
	$((2000 - 64 * gens - 1)) "$4"
expect_flowing "after the floods" L $P
expect_flowing "after the floods" N $P
assert_gt "UID 1000's flows were remembered" "$m0" "$(status_get counter flows_remembered)"

# UID 1000's flows are still remembered: deny cuts one, a commit the
# other (the flood's 7000 connections closed first: what they did to the
# memory stays, and a slow kernel need not carry them meanwhile)
for t in org push half; do touch "$CW_OUT/stop-many-$t"; done
wait $MANY_PIDS
owner_ok consent push 0 >/dev/null
t0=$(now_ms)
expect_cut "deny after the floods" L $P "$t0"
expect_flowing "deny after the floods: the unlisted flow" N $P
owner_ok begin >/dev/null
owner_ok add push desc=Push domain=xiaomi.net >/dev/null
owner_ok add analytics desc=Analytics domain=tracking.example.com domain=cdn.example.net >/dev/null
owner_ok commit >/dev/null
t0=$(now_ms)
expect_cut "commit after the floods" N $P "$t0"
flow_close L
flow_close N
dmesg_clean || fail "kernel warnings"
