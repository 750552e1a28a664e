# Helpers for the consentd scenarios (4x-*.sh): a private consentd with its
# own rules, state, config and socket under $CW_OUT, and consentctl on it.
CD=$CW_OUT/cd
CD_PKGS=$CD/packages.list

# cd_setup < RULES: the rules (10-test.rules) and a config.
cd_setup() {
	mkdir -p "$CD/rules.d" "$CD/state"
	cat >"$CD/rules.d/10-test.rules"
	printf 'com.xiaomi.xmsf 10061 0 /data/user/0/com.xiaomi.xmsf platform 3003\n' >"$CD_PKGS"
	cat >"$CD/consentd.conf" <<CONF
packages_list = $CD_PKGS
control_group =
event_log = $CD/events.log
CONF
}

# cd_start: start consentd and wait until the kernel has its ruleset.
cd_start() {
	local i=0
	consentd --foreground --config "$CD/consentd.conf" \
		--rules-dir "$CD/rules.d" --state-dir "$CD/state" \
		--socket "$CD/sock" >>"$CD/consentd.log" 2>&1 &
	CD_PID=$!
	until consentctl --socket "$CD/sock" status 2>/dev/null |
	      grep -q '^kernel: *connected'; do
		i=$((i + 1))
		[ $i -lt 250 ] || fail "consentd did not connect: $(tail -n 20 "$CD/consentd.log")"
		kill -0 "$CD_PID" 2>/dev/null || fail "consentd exited: $(tail -n 20 "$CD/consentd.log")"
		usleep 20000
	done
	log "consentd $CD_PID connected"
	# Whatever happens next, this consentd ends with the scenario.
	trap '_rc=$?; cd_stop; [ $_rc = 0 ] || echo "FAIL: $CW_SCENARIO stopped with status $_rc"' EXIT
}

cd_stop() {
	[ -n "${CD_PID:-}" ] || return 0
	kill -TERM "$CD_PID" 2>/dev/null || true
	wait "$CD_PID" 2>/dev/null || true
	CD_PID=
}

ctl() { consentctl --socket "$CD/sock" "$@"; }
