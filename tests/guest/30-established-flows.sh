# Revocation reaches open flows: a TCP connection opened while its purpose
# was consented, matched by address, by port or by app (UID), is reset at
# its next segment once consent is withdrawn, and again once the owner
# dies (every consent reverts). The server gets the bytes sent before the
# change and none after; a connection to an unlisted host, held across the
# same change, carries on.
. /cw/guest/lib.sh
cw_require
net_up
srv_tcp addr 198.51.100.10 80
srv_tcp port 198.51.100.20 5050
srv_tcp uid 198.51.100.11 80
srv_tcp free 198.51.100.12 80
owner_std

# hold NAME ADDR PORT [opts]: a connection that sent 100 bytes and waits
# for $CW_OUT/go to send 100 more (cwprobe tcp-hold)
hold() {
	local n=$1 i=0
	shift
	# Emptied here, not by the probe's redirection: a second hold of the
	# same name must not see the earlier flow's "connected" line.
	: >"$CW_OUT/hold-$n"
	cwprobe tcp-hold "$@" -s 100 -t 3000 -f "$CW_OUT/go" >>"$CW_OUT/hold-$n" 2>&1 &
	until grep -q '^connected' "$CW_OUT/hold-$n" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 250 ] || fail "flow $n did not connect: $(cat "$CW_OUT/hold-$n")"
		usleep 20000
	done
}

# second NAME: what the flow's second part got
second() {
	local i=0
	until [ "$(wc -l <"$CW_OUT/hold-$1")" -ge 2 ]; do
		i=$((i + 1))
		[ $i -lt 500 ] || fail "flow $1 never finished: $(cat "$CW_OUT/hold-$1")"
		usleep 20000
	done
	set -- $(tail -n1 "$CW_OUT/hold-$1")
	echo "$1"
}

# flows WHY REVOKE...: consent to all, open the four flows, revoke, then
# every flow sends again.
flows() {
	local why=$1 s b
	shift
	rm -f "$CW_OUT/go"
	owner_ok consent analytics 1 >/dev/null
	owner_ok consent push 1 >/dev/null
	owner_ok consent tracker 1 >/dev/null
	for s in addr port uid free; do
		eval "b_$s=\$(srv_bytes $s)"
	done
	hold addr 198.51.100.10 80
	hold port 198.51.100.20 5050
	hold uid 198.51.100.11 80 -u 1234
	hold free 198.51.100.12 80 -u 1000
	"$@"
	touch "$CW_OUT/go"
	for s in addr port uid; do
		assert_eq "$why: flow matched by $s" ECONNRESET "$(second $s)"
		eval "b=\$b_$s"
		assert_eq "$why: bytes at the $s server" $((b + 100)) "$(srv_bytes $s)"
	done
	assert_eq "$why: unlisted flow" OK "$(second free)"
	assert_eq "$why: bytes at the unlisted server" $((b_free + 200)) "$(srv_bytes free)"
}

withdraw() {
	owner_ok consent analytics 0 >/dev/null
	owner_ok consent push 0 >/dev/null
	owner_ok consent tracker 0 >/dev/null
}
flows "consent withdrawn" withdraw

owner_dies() {
	owner_kill
	assert_eq "consent after the owner died" 0 "$(consent_of analytics)"
}
# The same owner grants, the flows open, then it dies.
flows "owner died" owner_dies

# With block=drop the same flow is cut silently: its bytes never arrive
# and the sender's retransmissions run into its timeout.
owner_start
owner_ok claim >/dev/null
echo drop >/sys/module/consentwall/parameters/block
rm -f "$CW_OUT/go"
owner_ok consent analytics 1 >/dev/null
b=$(srv_bytes addr)
hold addr 198.51.100.10 80
owner_ok consent analytics 0 >/dev/null
touch "$CW_OUT/go"
assert_eq "block=drop: flow matched by address" ETIMEDOUT "$(second addr)"
assert_eq "block=drop: bytes at the server" $((b + 100)) "$(srv_bytes addr)"
