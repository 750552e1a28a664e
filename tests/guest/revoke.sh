# Helpers of the revocation scenarios (80-82), sourced after lib.sh: real
# TLS flows held open across a change of consent, and a TLS server in
# inet that appends every byte it decrypts to one file.
#
# A flow is an openssl s_client fed by a writer that sends one line every
# REV_MS ms, "TAG SEQ MS" (MS: milliseconds since boot when written), until
# the file $CW_OUT/stop-TAG exists; the server's file then says which
# lines of which flow arrived, and when they were written.
REV_MS=${REV_MS:-200}
# How soon a cut flow's client must see its reset: within a second of its
# next write; the debug kernel (KASAN, lockdep) runs several times slower
# (3.7 s measured there, after a flood), and there the point is its
# sanitizers, so it gets six.
case $(uname -r) in
*cwdebug*) REV_CUT_MS=$((6000 + REV_MS)) ;;
*) REV_CUT_MS=$((1000 + REV_MS)) ;;
esac

# tls_srv PORT: socat OPENSSL-LISTEN in inet on UNLISTED:PORT, every
# connection's bytes appended to $CW_OUT/rx-PORT.
tls_srv() {
	local d=$CW_OUT/tls
	mkdir -p "$d"
	[ -f "$d/key.pem" ] ||
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -subj "/CN=revoke" -days 1 -keyout "$d/key.pem" \
			-out "$d/cert.pem" >/dev/null 2>&1 || fail "openssl req"
	: >"$CW_OUT/rx-$1"
	inet socat -u OPENSSL-LISTEN:"$1",bind="$UNLISTED",reuseaddr,fork,cert="$d/cert.pem",key="$d/key.pem",verify=0 \
		OPEN:"$CW_OUT/rx-$1",append >"$d/srv-$1.log" 2>&1 &
	_wait_listen "$UNLISTED" "$1"
}

# writer TAG: the lines of flow TAG, on stdout
writer() {
	local n=0
	while [ ! -e "$CW_OUT/stop-$1" ]; do
		n=$((n + 1))
		echo "$1 $n $(now_ms)" || return 0
		usleep $((REV_MS * 1000))
	done
}

# flow_open TAG NAME PORT [setpriv args]: a TLS flow to UNLISTED:PORT with
# SNI NAME, sending as above; waits until its first lines arrived.
flow_open() {
	local tag=$1 name=$2 port=$3 i=0
	shift 3
	rm -f "$CW_OUT/stop-$tag"
	writer "$tag" | "$@" openssl s_client -quiet -connect "$UNLISTED:$port" \
		-servername "$name" >"$CW_OUT/cli-$tag.out" 2>"$CW_OUT/cli-$tag.err" &
	eval "FLOW_PID_$tag=\$!"
	until [ "$(flow_lines "$tag" "$port")" -ge 2 ]; do
		i=$((i + 1))
		[ $i -lt 500 ] || fail "flow $tag ($name) carried nothing: $(cat "$CW_OUT/cli-$tag.err")"
		usleep 20000
	done
}

# flow_lines TAG PORT [AFTER_MS]: lines of TAG at the server (written after
# AFTER_MS, if given)
flow_lines() {
	awk -v t="$1" -v a="${3:--1}" '$1 == t && $3 > a { n++ } END { print n + 0 }' \
		"$CW_OUT/rx-$2"
}

# flow_alive TAG: its client is still running
flow_alive() {
	local pid
	eval "pid=\$FLOW_PID_$1"
	kill -0 "$pid" 2>/dev/null
}

# flow_close TAG: stop its writer and its client
flow_close() {
	local pid
	touch "$CW_OUT/stop-$1"
	eval "pid=\$FLOW_PID_$1"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# expect_cut WHY TAG PORT T0: flow TAG carried nothing written after T0
# (ms since boot), one more second later nothing more arrived, and its
# client saw a reset (ECONNRESET, errno 104) within REV_CUT_MS of T0.
expect_cut() {
	local i=0 n gone
	while flow_alive "$2" && [ $i -lt 400 ]; do
		usleep 20000
		i=$((i + 1))
	done
	gone=$(( $(now_ms) - $4 ))
	flow_alive "$2" && fail "$1: the client of $2 is still running after 8 s"
	n=$(flow_lines "$2" "$3")
	sleep 1
	assert_eq "$1: lines of $2 written after the change, at the server" 0 \
		"$(flow_lines "$2" "$3" "$4")"
	assert_eq "$1: nothing more of $2 arrived" "$n" "$(flow_lines "$2" "$3")"
	assert_match "$1: client of $2 saw a reset" 'errno=104' "$(cat "$CW_OUT/cli-$2.err")"
	assert_lt "$1: client of $2 reset within ms" "$REV_CUT_MS" "$gone"
}

# expect_flowing WHY TAG PORT: flow TAG still carries lines
expect_flowing() {
	local n i=0
	n=$(flow_lines "$2" "$3")
	while [ "$(flow_lines "$2" "$3")" -le "$n" ] && [ $i -lt 150 ]; do
		usleep 20000
		i=$((i + 1))
	done
	assert_gt "$1: lines of $2 at the server" "$n" "$(flow_lines "$2" "$3")"
	flow_alive "$2" || fail "$1: the client of $2 died: $(cat "$CW_OUT/cli-$2.err")"
}
