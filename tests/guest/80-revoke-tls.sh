# Revocation reaches open TLS flows classified by their name: a real TLS
# connection (openssl s_client to a socat TLS server) opened to a listed
# name on an unlisted address while its purpose is consented stops
# carrying data at once, and its client sees a reset, after `consentctl
# deny`, after consentd's SIGKILL, and after a commit that adds its name
# to a denied purpose. A control flow to an unlisted name on the same
# server carries on through all three; the server counts every line.
. /cw/guest/lib.sh
. /cw/guest/names.sh
. /cw/guest/4x-consentd.sh
. /cw/guest/revoke.sh
cw_require
net_up
cd_setup <<'RULES'
[push]
domain = xiaomi.net
[analytics]
domain = tracking.example.com
RULES
cd_start
tls_srv 443
P=443

# consentctl deny
ctl allow push >/dev/null || fail "allow push"
flow_open L push.xiaomi.net $P
flow_open C www.example.org $P
ctl deny push >/dev/null || fail "deny push"
t0=$(now_ms)
expect_cut "deny" L $P "$t0"
expect_flowing "deny: the unlisted flow" C $P
# a new flow to the name, writing as the others do: it fails at once,
# and not one of its lines reaches the server
rm -f "$CW_OUT/stop-D"
r=$(writer D | timed timeout 5 openssl s_client -quiet -connect "$UNLISTED:$P" \
	-servername push.xiaomi.net)
touch "$CW_OUT/stop-D"
[ "${r%% *}" != 0 ] || fail "deny: a new flow to the name succeeded"
assert_lt "deny: a new flow to the name fails in ms" "$FAST_MS" "${r#* }"
assert_eq "deny: no line of the new flow" 0 "$(flow_lines D $P)"
flow_close L

# consentd killed: every consent reverts at once
ctl allow push >/dev/null || fail "allow push again"
flow_open L push.xiaomi.net $P
kill -9 "$CD_PID"
wait "$CD_PID" 2>/dev/null || true
CD_PID=
t0=$(now_ms)
expect_cut "SIGKILL" L $P "$t0"
expect_flowing "SIGKILL: the unlisted flow" C $P
flow_close L
cd_start
assert_eq "consent restored from the receipts" allowed "$(ctl get push >/dev/null && echo allowed)"

# a commit that adds the flow's name to a denied purpose
flow_open N cdn.example.net $P
expect_flowing "before the commit: the flow to an unlisted name" N $P
cat >>"$CD/rules.d/10-test.rules" <<'RULES'
domain = cdn.example.net
RULES
ctl reload >/dev/null || fail "reload"
t0=$(now_ms)
expect_cut "commit" N $P "$t0"
expect_flowing "commit: the unlisted flow" C $P
flow_close N
flow_close C
dmesg_clean || fail "kernel warnings"
