# The identifier guard with real clients (issue 15), through consentd: two
# IMEIs, an IMSI and a phone number configured, a destination no rule
# lists. Every form of each (derived here, not by consentd: idents.sh) in
# an HTTP POST form and JSON body (curl), a GET query string (curl), a raw
# UDP datagram (socat) and a DNS query label (dig, to dnsmasq) is refused
# and reaches no server, while a payload without one on the same path
# arrives; the same payloads over HTTPS arrive; the raw IMEI written in two
# pieces (TCP_NODELAY) split at every offset is caught; the log names
# kind and form, never a value; stats, status and explain say what the
# guard did; after `consentctl allow cleartext-identifiers` all of it
# arrives. (A world-readable identifiers file: 88.)
. /cw/guest/lib.sh
. /cw/guest/4x-consentd.sh
. /cw/guest/idents.sh

IMEI=490154203237518
IMEI2=356938035643809
IMSI=460001234567890
TEL=+8613800138000
ADID=38400000-8cf0-11bd-b23e-10b96e40000d
ADID_UP=$(echo $ADID | tr a-f A-F)
cd_idents <<IDS
imei = $IMEI
imei = $IMEI2
imsi = $IMSI
msisdn = $TEL
advertising_id = $ADID
IDS
cd_start

srv_count 80
srv_record http 8080
srv_record_tls https 443
CWPROBE_DUMP=1 srv_tcp split $ID_ADDR 9000
srv_record_udp udp 5000
dns_record

W=$CW_OUT/id
mkdir -p "$W"
t0=$(now_ms)
# Every form of the first IMEI, the IMSI and the number; the second IMEI
# as written and in two of its forms (one of each family).
{
	id_forms imei $IMEI
	id_forms imsi $IMSI
	id_forms msisdn $TEL
	id_forms imei $IMEI2 | awk '$2 == "text" || $2 == "sha1-hex" || $2 == "sha256-base64"' | head -n 3
} | awk '!seen[$3]++' >"$W/forms"
cut -d' ' -f3 "$W/forms" >"$W/strings"
# A DNS label holds at most 63 bytes, here an x and the form (dig would
# read a label that starts with - or + as an option), as the MD5 and
# SHA-1 hex forms go. SHA-256 in hex (64 characters) fits no label, and
# split over two it is no longer the pattern: on the wire a length byte
# stands between its halves (the scan reads the datagram's bytes as they
# are). A query name cannot carry it in one piece, so the DNS probes
# leave out its two forms (lower and upper case), and only them; it goes
# in the HTTP and raw UDP payloads.
awk 'length($3) <= 62' "$W/forms" >"$W/dns-forms"
cut -d' ' -f3 "$W/dns-forms" >"$W/dns-strings"
N=$(wc -l <"$W/forms")
ND=$(wc -l <"$W/dns-forms")
log "$N payloads, $ND of them fit a DNS label ($(( $(now_ms) - t0 )) ms)"
assert_eq "left out of DNS: the SHA-256 hex forms, and only them" \
	"sha256-hex sha256-hex-upper" \
	"$(awk 'length($3) > 62 { print $2 }' "$W/forms" | sort -u | tr '\n' ' ' | sed 's/ $//')"
assert_gt "every form of three identifiers, some of a fourth" 170 "$N"

# curl_each KIND UID: a curl config of one transfer per form, each on its
# own connection to lighttpd on port 80, after a first one carrying none
# (the control), run as UID. (Each path as a UID of its own: the module
# keeps a refused flow's scan state for 2 minutes, at most 256 per UID,
# and refuses that UID's new flows beyond.)
curl_each() {
	local i=0 s
	{
		_curl_group http://$ID_ADDR "$1" none 0
		while read -r s; do
			i=$((i + 1))
			echo next
			_curl_group http://$ID_ADDR "$1" "$s" $i
		done <"$W/strings"
	} >"$W/curl-each-$1"
	setpriv --reuid=$2 --regid=$2 --clear-groups curl -K "$W/curl-each-$1" \
		>"$W/out-each-$1" 2>&1 || true
}
# curl_all URL KIND: one transfer carrying every form (id=FORM&id=FORM...).
curl_all() {
	_curl_group "$1" "$2" "$(tr '\n' '&' <"$W/strings" | sed 's/&$//; s/&/\&id=/g')" 0 >"$W/curl-all"
	curl -K "$W/curl-all" 2>&1 || true
}
_curl_group() {
	echo 'silent'
	echo 'insecure'
	echo 'header = "Expect:"'
	echo 'output = "/dev/null"'
	echo "max-time = $CW_CLIENT_TIMEOUT"
	echo 'write-out = "%{exitcode} %{http_code}\n"'
	case $2 in
	form) echo "url = \"$1/p\""; echo "data-raw = \"id=$3&n=$4\"" ;;
	json) echo "url = \"$1/j\""
	      echo 'header = "Content-Type: application/json"'
	      echo "data-raw = \"{\\\"id\\\":\\\"$3\\\",\\\"n\\\":$4}\"" ;;
	get) echo "url = \"$1/q?id=$3&n=$4\"" ;;
	esac
}

# udp_each: one datagram per form (cwprobe, which says what sendto()
# returned), the control first; the results, one a line.
udp_each() {
	local s
	for s in none $(cat "$W/strings"); do
		printf 'id=%s\n' "$s" >"$W/dgram"
		set -- $(probe udp $ID_ADDR 5000 -D "$W/dgram")
		echo "$1"
	done
}

# dig_each: one dig, the control first, then every form as a label; how
# many queries were answered NOERROR.
dig_each() {
	local i=0 s
	{
		echo "@$ID_DNS +tries=1 +time=2 +noall +comments none.n0.example A"
		while read -r s; do
			i=$((i + 1))
			echo "@$ID_DNS +tries=1 +time=2 +noall +comments x$s.n$i.example A"
		done <"$W/dns-strings"
	} >"$W/dig-batch"
	dig -f "$W/dig-batch" 2>&1 | grep -c 'status: NOERROR' || true
}

# split [OFFSET...]: the raw IMEI in two writes 50 ms apart with
# TCP_NODELAY (two segments), split after each OFFSET (default 1, 2, ...
# 14), each on its own connection; the results, one a line.
split() {
	local k
	printf '%s' $IMEI >"$W/imei"
	for k in ${*:-$(seq 1 $((${#IMEI} - 1)))}; do
		set -- $(probe tcp $ID_ADDR 9000 -D "$W/imei" -S $k -u 1003)
		echo "$1"
	done
}
lap() { log "$1: $(( ($(now_ms) - t0) / 1000 )) s"; }

t0=$(now_ms)
# ---- denied: every form on every path refused, the control served -----------
for ku in form:0 json:1001 get:1002; do
	k=${ku%:*}
	curl_each $k ${ku#*:}
	assert_eq "http $k: every transfer ended" $((N + 1)) "$(wc -l <"$W/out-each-$k")"
	assert_match "http $k: the control was served" '^0 [1-5][0-9][0-9]$' "$(head -n1 "$W/out-each-$k")"
	assert_eq "http $k: no form was" 0 "$(tail -n +2 "$W/out-each-$k" | grep -c '^0 ' || true)"
	lap "http $k"
done
served=$(srv_count_log 80)
assert_eq "lighttpd served the three controls and nothing else" 3 "$(printf '%s\n' "$served" | grep -c .)"
assert_eq "the controls' request lines" "POST /p HTTP/1.1|POST /j HTTP/1.1|GET /q?id=none&n=0 HTTP/1.1" \
	"$(printf '%s\n' "$served" | cut -d' ' -f2- | tr '\n' '|' | sed 's/|$//')"
udp_each >"$W/udp-res"
assert_eq "udp: the control was sent" OK "$(head -n1 "$W/udp-res")"
assert_eq "udp: every form refused" "$N ECONNREFUSED" "$(tail -n +2 "$W/udp-res" | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' ' | sed 's/ $//')"
lap udp
sleep 0.3
assert_eq "udp: the control arrived" 1 "$(grep -c '^id=none$' "$CW_OUT/rec-udp")"
assert_eq "udp: no form reached the server" 0 "$(in_record "$CW_OUT/rec-udp" "$W/strings")"
assert_eq "dns: only the control was answered" 1 "$(dig_each)"
lap dns
assert_match "dns: the control reached dnsmasq" 'query\[A\] none.n0.example' "$(cat "$CW_OUT/rec-dns")"
assert_eq "dns: no form reached dnsmasq" 0 "$(GREP_I=1 in_record "$CW_OUT/rec-dns" "$W/dns-strings")"
assert_eq "split IMEI: reset at every split" "14 ECONNRESET" "$(split | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' ' | sed 's/ $//')"
lap split
assert_eq "split IMEI: 14 connections reached the server" 14 "$(srv_conns split)"
assert_eq "split IMEI: each one's first piece arrived, never its second" $((14 * 15 / 2)) "$(srv_bytes split)"
assert_eq "split IMEI: never whole at the server" 0 "$(grep -o $IMEI "$CW_OUT/srv-split.data" | wc -l)"

# ---- over TLS the same payloads arrive -------------------------------------
for k in form json get; do
	assert_eq "https $k: every form in one transfer, served" "0 200" "$(curl_all https://$ID_ADDR $k)"
done
assert_eq "https: every form arrived" $N "$(in_record "$CW_OUT/rec-https" "$W/strings")"
lap https

# ---- what consentd says -----------------------------------------------------
# Each kind once more, alone (an event folds the same attempt repeated
# within 100 ms, with the tag of the first).
sleep 0.3
curl -s -m 2 -o /dev/null -d "id=$IMEI" http://$ID_ADDR/ || true
sleep 0.3
printf 'id=%s\n' "$(printf %s $IMSI | sha1sum | cut -d' ' -f1)" |
	socat -u - UDP-SENDTO:$ID_ADDR:5000 2>/dev/null || true
sleep 0.3
curl -s -m 2 -o /dev/null "http://$ID_ADDR/?h=$(printf %s $TEL | md5sum | cut -d' ' -f1)" || true
sleep 0.3
# The advertising ID in upper case (written lower): refused, while the
# same body with another UUID on the same path is served.
before=$(srv_count_log 80 | grep -c .)
adid_post() {
	curl -s -m "$CW_CLIENT_TIMEOUT" -o /dev/null -w '%{exitcode} %{http_code}' \
		-H 'Content-Type: application/json' -d "{\"adid\":\"$1\"}" http://$ID_ADDR/a || true
}
assert_match "http json: another UUID in upper case, served" '^0 [1-5][0-9][0-9]$' "$(adid_post 12345678-9ABC-4DEF-8123-456789ABCDEF)"
assert_match "http json: the advertising ID in upper case, refused" '^[1-9][0-9]* 000$' "$(adid_post $ADID_UP)"
assert_eq "lighttpd served the control only" $((before + 1)) "$(srv_count_log 80 | grep -c .)"
sleep 0.3
out=$(ctl log)
assert_match "log: the IMEI as written, by HTTP" "cleartext-identifiers tcp $ID_ADDR:80 uid 0 carrying imei text" "$out"
assert_match "log: the IMSI's SHA-1, by UDP" "cleartext-identifiers udp $ID_ADDR:5000 uid 0 carrying imsi sha1-hex" "$out"
assert_match "log: the number's MD5, in a query string" "carrying msisdn md5-hex" "$out"
assert_match "log: the advertising ID in upper case" "cleartext-identifiers tcp $ID_ADDR:80 uid 0 carrying advertising_id text-upper" "$out"
assert_match "log: DNS" "cleartext-identifiers udp $ID_DNS:53 uid 0 carrying" "$out"
assert_match "log --json: kind and form" '"ident_kind":"imsi","ident_form":"sha1-hex"' "$(ctl --json log)"
out=$(ctl stats)
assert_match "stats: the purpose blocked packets" '^cleartext-identifiers +[1-9][0-9]* ' "$out"
assert_match "stats: per kind and form" '^imei +text +[1-9]' "$out"
assert_match "stats: the SHA-1 of the IMSI" '^imsi +sha1-hex +[1-9]' "$out"
set -- $(ctl status | sed -n 's/^identifiers: scanned \([0-9]*\), skipped \([0-9]*\) (TLS\/QUIC), blocked \([0-9]*\)$/\1 \2 \3/p')
assert_gt "status: every refused payload counted blocked" $((4 * N + ND + 14 - 1)) "${3:-0}"
assert_gt "status: the TLS payloads skipped" 0 "${2:-0}"
out=$(ctl explain tcp $ID_ADDR 80)
assert_match "explain: the destination matches nothing" '^accept: matches no purpose' "$out"
assert_match "explain: but identifiers are blocked" 'identifiers: payloads carrying imei, imsi, msisdn, advertising_id in clear are blocked, to this and any destination, while cleartext-identifiers is denied' "$out"

# ---- allowed: all of it arrives --------------------------------------------
ctl allow cleartext-identifiers >/dev/null
assert_match "explain: allowed" 'identifiers: payloads carrying imei, imsi, msisdn, advertising_id in clear pass \(cleartext-identifiers is allowed\)' "$(ctl explain udp $ID_ADDR 5000)"
: >"$CW_OUT/rec-udp"
: >"$CW_OUT/rec-dns"
for k in form json get; do
	assert_eq "allowed: http $k: every form in one transfer, served" "0 200" "$(curl_all http://$ID_ADDR:8080 $k)"
done
assert_eq "allowed: every form reached the HTTP server" $N "$(in_record "$CW_OUT/rec-http" "$W/strings")"
tr '\n' ' ' <"$W/strings" | socat -u - UDP-SENDTO:$ID_ADDR:5000 || fail "allowed: udp: refused"
sleep 0.3
assert_eq "allowed: udp: every form arrived" $N "$(in_record "$CW_OUT/rec-udp" "$W/strings")"
assert_eq "allowed: dns: every query answered" $((ND + 1)) "$(dig_each)"
assert_eq "allowed: dns: every form reached dnsmasq" $ND "$(GREP_I=1 in_record "$CW_OUT/rec-dns" "$W/dns-strings")"
assert_eq "allowed: split IMEI: sent" "3 OK" "$(split 1 7 14 | sort | uniq -c | awk '{ print $1, $2 }' | tr '\n' ' ' | sed 's/ $//')"
assert_eq "allowed: split IMEI: all of each arrived" $((14 * 15 / 2 + 3 * 15)) "$(srv_bytes split)"
assert_eq "allowed: split IMEI whole at the server" 3 "$(grep -o $IMEI "$CW_OUT/srv-split.data" | wc -l)"
assert_match "allowed: the advertising ID in upper case, served" '^0 [1-5][0-9][0-9]$' "$(adid_post $ADID_UP)"
lap allowed

# ---- never a value -----------------------------------------------------------
all="$(cat "$CD/consentd.log" "$CD/events.log"; ctl log; ctl --json log; ctl stats; ctl --json stats; ctl status; ctl --json status; ctl explain tcp $ID_ADDR 80; ctl --json explain tcp $ID_ADDR 80)"
printf '%s\n' "$all" >"$W/said"
assert_gt "consentd said something" 1000 "$(wc -c <"$W/said")"
assert_eq "no form of any value in what consentd wrote or said" 0 "$(in_record "$W/said" "$W/strings")"
assert_eq "nor the advertising ID, in either case" 0 "$(grep -ci -e "$ADID" "$W/said" || true)"
