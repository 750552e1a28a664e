# DNS over TCP written in pieces: a client that writes the 2-byte length
# alone and then the message, or a message in two segments (its question,
# then its EDNS record), is read across the segments (the flow's slot
# keeps where the next message starts, or the head of one whose question
# is not whole yet). An unlisted name reaches the server and is answered;
# a listed one never reaches it: the module answers it REFUSED (from the
# head the slot kept, when it began in an earlier segment), then resets
# the flow. Nothing of it is counted as unreadable.
. /cw/guest/lib.sh
. /cw/guest/names.sh
cw_require
net_up
owner_start
rules_names
dns_start

# header ARCOUNT: a query header (id 0x1234, RD, one question)
header() { printf '\022\064\001\000\000\001\000\000\000\000\000'"\\00$1"; }
# question NAME: NAME, type A, class IN
question() {
	for l in $(echo "$1" | tr . ' '); do
		printf "\\$(printf '%03o' ${#l})%s" "$l"
	done
	printf '\000\000\001\000\001'
}
# prefix LEN: the 2-byte length of a LEN-byte message
prefix() { printf "\\000\\$(printf '%03o' "$1")"; }
OPT='\000\000\051\020\000\000\000\000\000\000\000'	# EDNS, 4096 bytes

# split NAME HOW: the query written in two pieces 300 ms apart, HOW
# "prefix" (the length alone, then the message) or "opt" (length, header
# and question, then the EDNS record); prints socat's exit status, and
# the answer goes to $CW_OUT/answer
split() {
	local qlen=$(($(question "$1" | wc -c) + 12))
	(
		usleep 500000	# connected first, so the pieces are segments
		if [ "$2" = prefix ]; then
			prefix "$qlen"
			usleep 300000
			header 0
			question "$1"
		else
			prefix $((qlen + 11))
			header 1
			question "$1"
			usleep 300000
			printf "$OPT"
		fi
		sleep 1
	) | socat -t 1 - TCP:$DNS_ADDR:53,nodelay >"$CW_OUT/answer" 2>"$CW_OUT/socat.err" &&
		echo 0 || echo $?
}

f0=$(status_get counter names_failed)
assert_eq "length alone first, unlisted name: socat exit" 0 "$(split www.example.org prefix)"
assert_eq "length alone first, unlisted name: at the server" 1 "$(dns_asked www.example.org)"
assert_gt "length alone first, unlisted name: answered (bytes)" 20 "$(wc -c <"$CW_OUT/answer")"
assert_eq "EDNS record apart, unlisted name: socat exit" 0 "$(split other.example.org opt)"
assert_eq "EDNS record apart, unlisted name: at the server" 1 "$(dns_asked other.example.org)"
assert_gt "EDNS record apart, unlisted name: answered (bytes)" 20 "$(wc -c <"$CW_OUT/answer")"
assert_eq "unlisted names: nothing counted as unreadable" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"

split push.xiaomi.net prefix >/dev/null
log "socat: $(tr '\n' ' ' <"$CW_OUT/socat.err")"
# refused WHAT: the answer socat got is the module's, REFUSED (the 2-byte
# length, then the header: RCODE in the low bits of byte 3)
refused() {
	assert_gt "$1: answered by the module (bytes)" 20 "$(wc -c <"$CW_OUT/answer")"
	assert_eq "$1: REFUSED" 5 "$(( $(od -An -tu1 -j5 -N1 "$CW_OUT/answer") & 15 ))"
}
refused "length alone first, listed name"
assert_eq "length alone first, listed name: not at the server" 0 "$(dns_asked push.xiaomi.net)"
wait_event ' name push\.xiaomi\.net( |$)'
split app.chat.xiaomi.net opt >/dev/null
refused "EDNS record apart, listed name"
assert_eq "EDNS record apart, listed name: not at the server" 0 "$(dns_asked app.chat.xiaomi.net)"
assert_eq "listed names: refused as names, not as unreadable" 0 \
	"$(( $(status_get counter names_failed) - f0 ))"

# A query written at once, as resolvers do, works as before.
assert_eq "dig +tcp, unlisted name" 0 "$(dig +tcp +tries=1 +time=3 @$DNS_ADDR www.example.com A >/dev/null 2>&1 && echo 0 || echo 1)"
assert_eq "dig +tcp, unlisted name: at the server" 1 "$(dns_asked www.example.com)"
dmesg_clean || fail "kernel warnings"
