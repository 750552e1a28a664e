# Helpers for the consentd scenarios (4x-*.sh): a private consentd with its
# own rules, state, config and socket under $CW_OUT, and consentctl on it.
# Its vendor directory, $CD/vendor.d, does not exist unless a scenario
# makes it (a missing one is empty).
CD=$CW_OUT/cd
CD_PKGS=$CD/packages.list

# cd_setup < RULES: the rules (10-test.rules) and a config.
cd_setup() {
	mkdir -p "$CD/rules.d" "$CD/state"
	: >>"$CD/consentd.log"
	cat >"$CD/rules.d/10-test.rules"
	printf 'com.xiaomi.xmsf 10061 0 /data/user/0/com.xiaomi.xmsf platform 3003\n' >"$CD_PKGS"
	cat >"$CD/consentd.conf" <<CONF
packages_list = $CD_PKGS
control_group =
event_log = $CD/events.log
CONF
}

# cd_launch: start consentd and wait until it answers on its socket.
cd_launch() {
	local i=0
	consentd --foreground --config "$CD/consentd.conf" \
		--rules-dir "$CD/rules.d" --vendor-rules-dir "$CD/vendor.d" \
		--state-dir "$CD/state" \
		--socket "$CD/sock" >>"$CD/consentd.log" 2>&1 &
	CD_PID=$!
	# Whatever happens next, this consentd ends with the scenario.
	trap '_rc=$?; cd_stop; [ $_rc = 0 ] || echo "FAIL: $CW_SCENARIO stopped with status $_rc"' EXIT
	until consentctl --socket "$CD/sock" status >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 250 ] || fail "consentd did not answer: $(tail -n 20 "$CD/consentd.log")"
		kill -0 "$CD_PID" 2>/dev/null || fail "consentd exited: $(tail -n 20 "$CD/consentd.log")"
		usleep 20000
	done
}

# cd_start: cd_launch, and wait until the kernel has its ruleset.
cd_start() {
	local i=0
	cd_launch
	until consentctl --socket "$CD/sock" status 2>/dev/null |
	      grep -q '^kernel: *connected'; do
		i=$((i + 1))
		[ $i -lt 250 ] || fail "consentd did not connect: $(tail -n 20 "$CD/consentd.log")"
		kill -0 "$CD_PID" 2>/dev/null || fail "consentd exited: $(tail -n 20 "$CD/consentd.log")"
		usleep 20000
	done
	log "consentd $CD_PID connected"
}

cd_stop() {
	[ -n "${CD_PID:-}" ] || return 0
	kill -TERM "$CD_PID" 2>/dev/null || true
	wait "$CD_PID" 2>/dev/null || true
	CD_PID=
}

ctl() { consentctl --socket "$CD/sock" "$@"; }

# ctl_fails CMD...: consentctl must fail; CTL_RC is its exit status and
# CTL_OUT what it printed (without the sh -x trace lines of the harness).
ctl_fails() {
	CTL_RC=0
	CTL_OUT=$(consentctl --socket "$CD/sock" "$@" 2>&1) || CTL_RC=$?
	CTL_OUT=$(printf '%s\n' "$CTL_OUT" | grep -v '^+' || true)
	[ "$CTL_RC" != 0 ] || fail "consentctl $* succeeded: $CTL_OUT"
}

# as_user CMD...: CMD as uid/gid 1000, in no group.
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }

# cd_net: the network and a counting server at 198.51.100.10:80 (ana).
cd_net() {
	cw_require
	net_up
	srv_tcp ana 198.51.100.10 80
}

# cd_setup_analytics: cd_setup with one purpose, analytics, that lists the
# server of cd_net.
cd_setup_analytics() {
	cd_setup <<'RULES'
[analytics]
ip = 198.51.100.10
RULES
}

# cd_analytics: cd_net, cd_setup_analytics, and consentd started on them.
cd_analytics() {
	cd_net
	cd_setup_analytics
	cd_start
}

# expect_unreached tcp|udp ADDR PORT SERVER: blocked, and the server that
# listens there counted nothing more.
expect_unreached() {
	local c
	c=$(srv_conns "$4")
	expect_blocked "$1" "$2" "$3"
	assert_eq "server $4 reached by nothing" "$c" "$(srv_conns "$4")"
}

# expect_reached tcp|udp ADDR PORT SERVER: allowed, and the server counted it.
expect_reached() {
	local c i=0
	c=$(srv_conns "$4")
	expect_allowed "$1" "$2" "$3"
	# The server counts when it accepts, which may come a moment later.
	while [ "$(srv_conns "$4")" -le "$c" ] && [ $i -lt 100 ]; do
		i=$((i + 1))
		usleep 20000
	done
	assert_gt "server $4 counted the connection" "$c" "$(srv_conns "$4")"
}

# ctl_log_wait REGEX WHAT: until a line of `consentctl log` matches (2 s
# at most), then PASS: WHAT
ctl_log_wait() {
	local i=0
	until ctl log | grep -qE -- "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "$2: no line /$1/ in consentctl log: $(ctl log 2>&1 | tail -n 5)"
		usleep 20000
	done
	pass "$2"
}

# cd_log_wait REGEX OFFSET: until a line of consentd's log past byte OFFSET
# matches (3 s at most); OFFSET from cd_log_size before the action.
cd_log_size() { wc -c <"$CD/consentd.log"; }
cd_log_wait() {
	local i=0
	until tail -c +$(($2 + 1)) "$CD/consentd.log" | grep -qE "$1"; do
		i=$((i + 1))
		[ $i -lt 150 ] || fail "consentd did not log /$1/: $(tail -c +$(($2 + 1)) "$CD/consentd.log" | tail -n 5)"
		usleep 20000
	done
}
