# HTTP: every request of a cleartext connection is judged by its Host, not
# only the first. A real HTTP/1.1 server (lighttpd, keep-alive and
# pipelining on) in inet logs each request it serves, by Host and path.
# - kept-alive (curl --next, one connection): a first request to an
#   unlisted Host is served, a second with a listed Host never reaches the
#   server and the client sees a reset; a connection with only unlisted
#   Hosts carries all its requests;
# - pipelined (requests written before any answer): the same, whether the
#   second request is its own segment or rides behind the first (after a
#   Content-Length body too) in one segment, which is then refused whole;
# - a head split over segments before its Host line (and inside its
#   method) is judged by that Host, on a kept-alive connection too, and a
#   well-formed one with an unlisted Host is served, not refused;
# - consent lets the listed requests through.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up

# lighttpd in inet on UNLISTED:80; served PATH: how many requests for PATH
# it has served (lighttpd_flush).
www=$CW_OUT/www84
mkdir -p "$www"
echo ok >"$www/index.html"
cat >"$CW_OUT/lighttpd.conf" <<EOF
server.document-root = "$www"
server.bind = "$UNLISTED"
server.port = 80
server.modules = ("mod_accesslog")
server.errorlog = "$CW_OUT/lighttpd.err"
accesslog.filename = "$CW_OUT/access.log"
accesslog.format = "%V %r"
index-file.names = ("index.html")
server.pid-file = "$CW_OUT/lighttpd.pid"
EOF
: >"$CW_OUT/access.log"
inet lighttpd -D -f "$CW_OUT/lighttpd.conf" -m /usr/lib/lighttpd \
	>"$CW_OUT/lighttpd.out" 2>&1 &
_wait_listen "$UNLISTED" 80
served() {
	lighttpd_flush "$CW_OUT/access.log" "$UNLISTED" 80 "$CW_OUT/lighttpd.pid"
	grep -c " $1 HTTP/1.1\$" "$CW_OUT/access.log" || true
}
# passive_opens: connections the server's namespace has accepted
passive_opens() { inet awk '/^Tcp:/ { n++ } /^Tcp:/ && n == 2 { print $7 }' /proc/net/snmp; }

owner_names
f0=$(status_get counter names_failed)

# kept FIRST_HOST FIRST_PATH SECOND_HOST SECOND_PATH: curl on one
# connection, "<exit status> <ms>"; its trace in $CW_OUT/timed.out
kept() {
	timed curl -sv -o /dev/null --max-time "$CW_CLIENT_TIMEOUT" \
		-H "Host: $1" "http://$UNLISTED/$2" --next -o /dev/null \
		-H "Host: $3" "http://$UNLISTED/$4"
}
# reused WHAT: curl sent the second request on the first one's connection
reused() {
	assert_match "$1: one connection" "Re-using existing connection" \
		"$(cat "$CW_OUT/timed.out")"
}
# reset WHAT "<rc> <ms>" [fast]: the client saw a reset; with fast, it
# failed at once (curl; socat, whose input goes on, says so and ends with
# its input)
reset() {
	local fast=$3
	set -- "$1" $2
	assert_match "$1: the client saw a reset" "[Rr]eset by peer" \
		"$(cat "$CW_OUT/timed.out")"
	[ -z "$fast" ] || assert_lt "$1: client failed in ms" "$FAST_MS" "$3"
}

o=$(passive_opens)
r=$(kept www.example.org k1 notxiaomi.net k2)
n=$(passive_opens)
assert_eq "kept-alive, unlisted Hosts: curl exit" 0 "${r%% *}"
reused "kept-alive, unlisted Hosts"
assert_eq "kept-alive, unlisted Hosts: first served" 1 "$(served /k1)"
assert_eq "kept-alive, unlisted Hosts: second served" 1 "$(served /k2)"
assert_eq "kept-alive, unlisted Hosts: connections" $((o + 1)) "$n"

r=$(kept www.example.org k3 xiaomi.net k4)
reused "kept-alive, then a listed Host"
assert_gt "kept-alive, then a listed Host: curl failed" 0 "${r%% *}"
reset "kept-alive, then a listed Host" "$r" fast
assert_eq "kept-alive: the first request was served" 1 "$(served /k3)"
assert_eq "kept-alive: the listed Host never reached the server" 0 "$(served /k4)"
wait_event ' name xiaomi\.net( |$)'
ev=$(owner_events | grep -E ' name xiaomi\.net( |$)' | head -n1)
assert_match "kept-alive: the event" " proto 6 addr $UNLISTED port 80 .*purposes push" "$ev"

# The second request names its host in an absolute-form target.
r=$(timed curl -sv -o /dev/null --max-time "$CW_CLIENT_TIMEOUT" \
	-H "Host: www.example.org" "http://$UNLISTED/k5" --next -o /dev/null \
	--request-target "http://tracking.example.com/k6" "http://$UNLISTED/k6")
reused "kept-alive, then an absolute-form target"
reset "kept-alive, then an absolute-form target" "$r" fast
assert_eq "absolute-form: the first request was served" 1 "$(served /k5)"
k6=$(served /k6)
assert_eq "absolute-form: the listed target never reached the server" 0 \
	"$((k6 + $(grep -c '/k6 HTTP/1.1$' "$CW_OUT/access.log" || true)))"

# clean WHAT "<rc> <ms>": socat ended well, and saw no reset
clean() {
	assert_eq "$1: socat exit" 0 "${2%% *}"
	assert_nomatch "$1: no reset" "[Rr]eset by peer" "$(cat "$CW_OUT/timed.out")"
}
# sock CMD: the output of CMD (a shell list of printf and usleep) through
# socat to the server, each write its own segment; "<exit status> <ms>".
# CMD starts once socat is connected (socat says so, -d -d), or a slow
# start would find several writes waiting and send them as one.
sock() {
	rm -f "$CW_OUT/timed.out"
	(
		i=0
		until grep -qs 'starting data transfer' "$CW_OUT/timed.out"; do
			i=$((i + 1))
			[ $i -lt 250 ] || fail "socat did not connect"
			usleep 20000
		done
		eval "$1"
		usleep 1000000
	) | timed socat -d -d -t 1 - TCP:$UNLISTED:80,nodelay
}
req() { printf 'GET /%s HTTP/1.1\r\nHost: %s\r\n\r\n' "$1" "$2"; }
post() { printf 'POST /%s HTTP/1.1\r\nHost: %s\r\nContent-Length: 5\r\n\r\nhello' "$1" "$2"; }
# at_once CMD: the output of CMD in one write (one segment)
at_once() { eval "$1" >"$CW_OUT/seg"; cat "$CW_OUT/seg"; }

# Pipelined: the second request is written before the first is answered.
r=$(sock "req p1 www.example.org; usleep 300000; req p2 notxiaomi.net")
clean "pipelined, unlisted Hosts" "$r"
assert_eq "pipelined, unlisted Hosts: both served" "1 1" "$(served /p1) $(served /p2)"
r=$(sock "req p3 www.example.org; usleep 300000; req p4 app.chat.xiaomi.net")
assert_eq "pipelined: the first request was served" 1 "$(served /p3)"
assert_eq "pipelined: the listed Host never reached the server" 0 "$(served /p4)"
reset "pipelined, then a listed Host" "$r"

# Both in one segment: the segment carries the listed request, so it is
# refused whole (after a GET, and after a POST and its body).
o=$(passive_opens)
# (lighttpd answers a POST to a file with an error and closes: the POST
# comes last.)
r=$(sock "at_once 'req p5 www.example.org; req p6 notxiaomi.net; post p7 example.org'")
n=$(passive_opens)
clean "one segment, unlisted Hosts" "$r"
assert_eq "one segment, unlisted Hosts: all three served" "1 1 1" \
	"$(served /p5) $(served /p6) $(served /p7)"
assert_eq "one segment: one connection" $((o + 1)) "$n"
r=$(sock "at_once 'req p9 www.example.org; req p10 xiaomi.net'")
reset "one segment, a listed Host second" "$r"
assert_eq "one segment, a listed Host second: nothing served" "0 0" \
	"$(served /p9) $(served /p10)"
r=$(sock "at_once 'post p11 www.example.org; req p12 tracking.example.com'")
reset "one segment, a listed Host after a POST body" "$r"
assert_eq "one segment, a listed Host after a POST body: nothing served" "0 0" \
	"$(served /p11) $(served /p12)"

# A head split before its Host line, at the start of the connection and
# on a kept-alive one, and a request split inside its method.
split() { printf 'GET /%s HTTP/1.1\r\nUser-Agent: cw\r\n' "$1"; usleep 300000; printf 'Accept: */*\r\nHost: %s\r\n\r\n' "$2"; }
r=$(sock "split s1 www.example.org")
clean "split head, unlisted Host" "$r"
assert_eq "split head, unlisted Host: served" 1 "$(served /s1)"
r=$(sock "split s2 xiaomi.net")
reset "split head, listed Host" "$r"
assert_eq "split head, listed Host: never served" 0 "$(served /s2)"
r=$(sock "req s3 www.example.org; usleep 300000; split s4 www.example.org")
clean "kept-alive split head, unlisted Host" "$r"
assert_eq "kept-alive split head, unlisted Host: both served" "1 1" "$(served /s3) $(served /s4)"
r=$(sock "req s5 www.example.org; usleep 300000; split s6 xiaomi.net")
reset "kept-alive split head, listed Host" "$r"
assert_eq "kept-alive split head, listed Host: first served, second never" "1 0" \
	"$(served /s5) $(served /s6)"
r=$(sock "req s7 www.example.org; usleep 300000; printf G; usleep 300000; printf 'ET /s8 HTTP/1.1\\r\\nHost: xiaomi.net\\r\\n\\r\\n'")
reset "kept-alive, a method split, listed Host" "$r"
assert_eq "a method split, listed Host: first served, second never" "1 0" \
	"$(served /s7) $(served /s8)"
assert_eq "well-formed heads: nothing counted as unreadable" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"

# Consent: the listed requests go through, kept-alive and pipelined.
owner_ok consent push 1 >/dev/null
r=$(kept www.example.org c1 xiaomi.net c2)
assert_eq "after consent, kept-alive: curl exit" 0 "${r%% *}"
reused "after consent, kept-alive"
assert_eq "after consent, kept-alive: both served" "1 1" "$(served /c1) $(served /c2)"
r=$(sock "req c3 www.example.org; req c4 xiaomi.net; usleep 300000; split c5 xiaomi.net")
clean "after consent, pipelined" "$r"
assert_eq "after consent, pipelined and split: all served" "1 1 1" \
	"$(served /c3) $(served /c4) $(served /c5)"
r=$(sock "req c6 www.example.org; usleep 300000; req c7 tracking.example.com")
reset "after consent: analytics still denied" "$r"
assert_eq "after consent: analytics still denied, first served" "1 0" \
	"$(served /c6) $(served /c7)"
kill "$(cat "$CW_OUT/lighttpd.pid")"
dmesg_clean || fail "kernel warnings"
